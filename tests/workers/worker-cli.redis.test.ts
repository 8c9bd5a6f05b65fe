// `r1flow worker` and `r1flow queues` as processes against a real Redis.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type QueueStats, queueStats } from '../../workers/queue-stats.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { freePort } from '../support/redis-server.ts';
import { runQueuesCommand, startWorkerProcess } from './support/processes.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [];

describe('r1flow worker', () => {
  it('prints a health line, runs jobs, and exits 0 on SIGTERM', async () => {
    const h = await env.harness({ workers: [] });
    const process = env.worker(h.prefix, ['--lanes', 'cpu,llm', '--concurrency', '3']);
    const health = await process.waitForLine(/ready/);
    expect(health).toContain('lanes cpu,llm');
    expect(health).toContain('concurrency cpu 3, llm 3');
    expect(health).toContain(`Redis ${env.redis().url}`);
    expect(health).toContain('test.batched@1 up to 64 per batch, 20 ms wait, 2 in flight');
    expect(health).toMatch(/node types: .*test\.step@1/);
    const stored = await h.finished(await h.run(flowOf({ s: ['test.step'], b: ['test.batched'] })));
    expect(stored!.run.status).toBe('succeeded');
    await process.kill('SIGTERM');
    expect(await process.exited).toEqual({ code: 0, signal: null });
    expect(process.output()).toContain('stopped');
  });

  it('on SIGTERM hands a job still running after the grace period back to the queue for another worker', async () => {
    const h = await env.harness({ workers: [] });
    const log = join(h.dir, 'effects.log');
    const first = env.worker(h.prefix, ['--shutdown-grace-ms', '300']);
    await first.waitForLine(/ready/);
    const id = await h.run(flowOf({ slow: ['test.step', { sleepMs: 3000, logFile: log }] }));
    while (lines(log).length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toContain('handing jobs still running back to their queues');
    await env.worker(h.prefix).waitForLine(/ready/);
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('succeeded');
    expect(stored!.nodes[0]!.attempt).toBe(1);
    expect(lines(log)).toHaveLength(2);
  });

  it('exits 1 with REDIS_UNREACHABLE when Redis does not come up', async () => {
    const port = await freePort();
    const process = env.track(startWorkerProcess(['--redis', `redis://127.0.0.1:${port}`, '--lanes', 'cpu']));
    expect((await process.exited).code).toBe(1);
    expect(process.output()).toContain(
      `error REDIS_UNREACHABLE: Redis unreachable at redis://127.0.0.1:${port}`,
    );
    expect(process.output()).toContain('retrying');
  });
});

describe('r1flow queues', () => {
  it('shows depth per lane, jobs/s, batches and workers, as text or JSON', async () => {
    const h = await env.harness({ workers: [] });
    await env.worker(h.prefix, ['--lanes', 'cpu,llm', '--max-wait-ms', '100']).waitForLine(/ready/);
    // The first model call goes out alone to the idle worker; the others meet while it runs.
    const flow = flowOf({ s: ['test.step'], b: ['test.batched', { sleepMs: 1000 }] }, ['s.out->b.in']);
    const ids = await Promise.all([1, 2, 3, 4].map(() => h.run(flow)));
    for (const id of ids) expect((await h.finished(id))!.run.status).toBe('succeeded');
    // Workers publish their report every second: wait until it covers the runs above.
    const published = async () => {
      const stats = await queueStats({ redisUrl: env.redis().url, prefix: h.prefix });
      return stats.batches.count >= 1 && stats.lanes.cpu.completedPerSecond > 0;
    };
    await waitFor(published, 20_000, 'the worker report');
    const base = ['--redis', env.redis().url, '--prefix', h.prefix];
    const json = env.track(runQueuesCommand([...base, '--json']));
    expect((await json.exited).code).toBe(0);
    const stats = JSON.parse(json.output()) as QueueStats;
    expect(stats.lanes.cpu).toMatchObject({ waiting: 0, active: 0, failed: 0, workers: 1 });
    expect(stats.lanes.cpu.completedPerSecond).toBeGreaterThan(0);
    expect(stats.lanes.sql.workers).toBe(0);
    expect(stats.batches.count).toBeGreaterThanOrEqual(1);
    expect(stats.batches.meanJobs).toBeGreaterThan(1);
    expect(stats.workers).toHaveLength(1);
    const text = env.track(runQueuesCommand(base));
    expect((await text.exited).code).toBe(0);
    expect(text.output()).toMatch(/lane\s+waiting\s+active\s+delayed\s+failed\s+jobs\/s\s+workers/);
    expect(text.output()).toContain('workers (1):');
  });
});
