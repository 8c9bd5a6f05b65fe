import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ResourcePool } from '../../engine/resources.ts';
import type { JobResult } from '../../engine/transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { createQueueTransport } from '../../workers/queue-transport.ts';
import { startQueueWorker } from '../../workers/start-worker.ts';
import { flowOf } from '../support/engine-harness.ts';
import { freePort } from '../support/redis-server.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

describe('bad input in queue mode', () => {
  it('a job whose data is not a node job comes back as JOB_DATA_INVALID; the next job still runs', async () => {
    const h = await env.harness();
    const results: JobResult[] = [];
    h.transport.onSettled((result) => results.push(result));
    await h.transport.reconcile(['r1']); // starts reading results, of run r1 too
    const queue = new Queue('node-cpu', { connection: { url: env.redis().url }, prefix: h.prefix });
    const data = {
      jobId: 'garbage-1',
      runId: 'r1',
      nodeId: 'n1',
      attempt: 1,
      lane: 'cpu',
      nodeKey: 42,
      inputs: {},
    };
    await queue.add('garbage', data, { jobId: 'garbage-1' });
    await queue.close();
    await waitFor(() => results.length > 0);
    expect(results[0]).toMatchObject({
      jobId: 'garbage-1',
      runId: 'r1',
      nodeId: 'n1',
      outcome: { ok: false, error: { code: 'JOB_DATA_INVALID' } },
    });
    const message = results[0]!.outcome.ok ? '' : results[0]!.outcome.error.message;
    expect(message).toContain('job garbage-1 in queue node-cpu is not a valid r1flow node job: nodeKey');
    const stored = await h.finished(await h.run(flowOf({ s: ['test.step'] })));
    expect(stored!.run.status).toBe('succeeded');
  });

  it('a worker fails to start with REDIS_UNREACHABLE when Redis stays away', async () => {
    const port = await freePort();
    const started = startQueueWorker({
      redisUrl: `redis://127.0.0.1:${port}`,
      lanes: ['cpu'],
      registry: createNodeRegistry(),
      resources: new ResourcePool(),
      connectTimeoutMs: 500,
    });
    await expect(started).rejects.toMatchObject({
      code: 'REDIS_UNREACHABLE',
      message: expect.stringContaining(`Redis unreachable at redis://127.0.0.1:${port}`),
    });
  });

  it('a worker started while Redis is briefly down waits for it and then runs jobs', async () => {
    const h = await env.harness({ workers: [] });
    await env.redis().stop();
    const worker = h.startWorker({ connectTimeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await env.redis().start();
    await worker;
    const stored = await h.finished(await h.run(flowOf({ s: ['test.step'] })));
    expect(stored!.run.status).toBe('succeeded');
  });

  it('submit fails with REDIS_UNREACHABLE in bounded time, and health says so', async () => {
    const port = await freePort();
    const transport = createQueueTransport({ redisUrl: `redis://127.0.0.1:${port}`, redisTimeoutMs: 300 });
    const job = {
      jobId: 'r-n-1',
      runId: 'r',
      nodeId: 'n',
      attempt: 1,
      nodeKey: 'test.step@1',
      lane: 'cpu' as const,
      params: {},
      inputs: {},
    };
    await expect(transport.submit([job])).rejects.toMatchObject({
      code: 'REDIS_UNREACHABLE',
      message: expect.stringContaining('could not queue 1 job(s) within 300 ms'),
    });
    expect(await transport.health()).toMatchObject({
      redis: 'unreachable',
      message: expect.stringContaining(`Redis unreachable at redis://127.0.0.1:${port}`),
    });
    await transport.close();
  });

  it('a run whose jobs cannot reach Redis fails with REDIS_UNREACHABLE instead of hanging', async () => {
    const h = await env.harness({ transport: { redisTimeoutMs: 300 } });
    await env.redis().stop();
    try {
      const stored = await h.finished(await h.run(flowOf({ s: ['test.step'] })));
      expect(stored!.run.status).toBe('failed');
      expect(stored!.run.error).toMatchObject({ code: 'REDIS_UNREACHABLE' });
    } finally {
      await env.redis().start();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
