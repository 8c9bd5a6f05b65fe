// redis-server restarted mid-run, with AOF and without any persistence, under a real `r1flow
// worker` process whose BullMQ locks lapse while Redis is down (lock 1 s, down 1.5 s). Every node
// logs one line per execution: a node must run exactly once, however the restart went.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flowOf } from '../support/engine-harness.ts';
import type { RedisServer } from '../support/redis-server.ts';
import { startRedisServer } from '../support/redis-server.ts';
import type { TestProcess } from './support/processes.ts';
import { startWorkerProcess } from './support/processes.ts';
import type { QueueHarness } from './support/queue-harness.ts';
import { createQueueHarness } from './support/queue-harness.ts';

function executions(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(log)) return counts;
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [runId, nodeId] = line.split(' ');
    counts.set(`${runId} ${nodeId}`, (counts.get(`${runId} ${nodeId}`) ?? 0) + 1);
  }
  return counts;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const threeSteps = (log: string) =>
  flowOf(
    {
      a: ['test.step', { label: 'a', logFile: log }],
      b: ['test.step', { label: 'b', sleepMs: 2500, logFile: log }],
      c: ['test.step', { label: 'c', logFile: log }],
    },
    ['a.out->b.in', 'b.out->c.in'],
  );

for (const persistence of ['aof', 'none'] as const) {
  describe(`redis-server restarted mid-run (persistence: ${persistence})`, () => {
    let redis: RedisServer;
    let harness: QueueHarness | undefined;
    let worker: TestProcess | undefined;
    beforeAll(async () => {
      redis = await startRedisServer({ persistence });
    });
    afterAll(async () => {
      await redis.close();
    });
    afterEach(async () => {
      await worker?.kill('SIGKILL');
      await harness?.close();
      harness = undefined;
      worker = undefined;
    });

    it('every run succeeds and every node runs exactly once', async () => {
      harness = await createQueueHarness(redis.url, { workers: [] });
      const log = join(harness.dir, 'effects.log');
      worker = startWorkerProcess([
        ...['--redis', redis.url, '--prefix', harness.prefix, '--lanes', 'cpu'],
        ...['--lock-duration-ms', '1000', '--stalled-interval-ms', '500'],
      ]);
      await worker.waitForLine(/ready/);
      const h = harness;
      const ids = await Promise.all([1, 2, 3, 4, 5].map(() => h.run(threeSteps(log))));
      const startedB = () => [...executions(log).keys()].filter((key) => key.endsWith(' b')).length;
      await waitUntil(() => startedB() === 5, 'b to start in every run');
      await redis.restart({ downMs: 1500 });
      for (const id of ids) expect((await h.finished(id))!.run.status).toBe('succeeded');
      // Late repeats would show up after the runs finished: give them the time a redelivery takes.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const counts = executions(log);
      for (const id of ids) {
        expect([`${id} a`, `${id} b`, `${id} c`].map((key) => counts.get(key))).toEqual([1, 1, 1]);
      }
      const health = await h.transport.health();
      expect(health.persistence?.mode).toBe(persistence);
      if (persistence === 'none') expect(health.persistence?.warning).toContain('no persistence');
      else expect(health.persistence?.warning).toBeUndefined();
    });
  });
}
