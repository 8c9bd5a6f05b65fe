// The worker-side guards against running a node job twice, on a real Redis: claims, the done
// marker written with the result, the start counter behind ctx.delivery; and the transport
// dropping a repeated result of a job that already settled.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../engine/transport.ts';
import { claimedOrDone, claimJob, finishJob, releaseClaim } from '../../workers/job-claims.ts';
import { nodeQueueName, queueKeys } from '../../workers/queue-keys.ts';
import { createQueueTransport } from '../../workers/queue-transport.ts';
import { postResult } from '../../workers/results-stream.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { RedisServer } from '../support/redis-server.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { createQueueHarness } from './support/queue-harness.ts';

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const resultOf = (jobId: string): JobResult => ({
  jobId,
  runId: 'run1',
  nodeId: 'n',
  attempt: 1,
  outcome: { ok: true, outputs: { out: 1 } },
  startedAt: 1,
  finishedAt: 2,
});

describe('job claims', () => {
  it('a job runs on one worker at a time, never after it is done, and counts its starts', async () => {
    const keys = queueKeys('claims1');
    expect(await claimJob(redis, keys, 'j1', 'w1', 10_000)).toEqual({ state: 'claimed', starts: 1 });
    expect(await claimJob(redis, keys, 'j1', 'w2', 10_000)).toEqual({ state: 'held', holder: 'w1' });
    expect(await claimedOrDone(redis, keys, ['j1', 'j2'])).toEqual(new Set(['j1']));

    // Handed back (shutdown): the next worker starts it at once, as its second delivery.
    await releaseClaim(redis, keys, 'j1');
    expect(await claimJob(redis, keys, 'j1', 'w2', 10_000)).toEqual({ state: 'claimed', starts: 2 });

    const result = resultOf('j1');
    const json = JSON.stringify(result);
    expect(await finishJob(redis, keys, result, json)).toBe(true);
    expect(await finishJob(redis, keys, result, json)).toBe(false); // a second run's result is dropped
    expect(await redis.xlen(keys.results)).toBe(1);
    expect(await claimJob(redis, keys, 'j1', 'w3', 10_000)).toEqual({ state: 'done' });
    expect(await claimedOrDone(redis, keys, ['j1'])).toEqual(new Set(['j1']));
  });

  it('a claim of a worker that stopped refreshing it lapses', async () => {
    const keys = queueKeys('claims2');
    expect((await claimJob(redis, keys, 'j1', 'w1', 100)).state).toBe('claimed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await claimJob(redis, keys, 'j1', 'w2', 100)).toEqual({ state: 'claimed', starts: 2 });
  });
});

describe('a job handed out again while it runs', () => {
  it('waits for the claim of the worker running it and does not run twice', async () => {
    const h = await createQueueHarness(server.url, { workers: [{}, {}] });
    try {
      const log = join(h.dir, 'effects.log');
      const id = await h.run(flowOf({ slow: ['test.step', { sleepMs: 3000, logFile: log }] }));
      const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
      while (lines().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      // The BullMQ lock vanishes (as when Redis was away longer than it): the stalled check hands
      // the job out again while its first worker still runs it.
      const lockKey = `${h.prefix}:${nodeQueueName('cpu')}:${id}-slow-1:lock`;
      expect(await redis.del(lockKey)).toBe(1);
      expect((await h.finished(id))!.run.status).toBe('succeeded');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(lines()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('the queue transport', () => {
  it('hands a result of a job over once, however often it arrives', async () => {
    const transport = createQueueTransport({ redisUrl: server.url, prefix: 'dedupe' });
    const settled: JobResult[] = [];
    transport.onSettled((result) => {
      settled.push(result);
      transport.acknowledge([result.jobId]);
    });
    try {
      await transport.reconcile(['run1']); // starts reading results
      const result = resultOf('run1-n-1');
      const json = JSON.stringify(result);
      await postResult(redis, queueKeys('dedupe').results, result, json);
      await postResult(redis, queueKeys('dedupe').results, result, json);
      const deadline = Date.now() + 10_000;
      while ((await redis.xlen(queueKeys('dedupe').results)) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(settled.map((result) => result.jobId)).toEqual(['run1-n-1']);
    } finally {
      await transport.close();
    }
  });
});
