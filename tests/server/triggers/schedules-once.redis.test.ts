// Queue mode with Redis not being the last word: two servers sharing one store, each with its own
// BullMQ job scheduler (a prefix each, as if each had its own Redis), so every tick is delivered
// twice, and Redis restarts half-way. The store's fire row still lets each tick start one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import { BullmqScheduleRunner } from '../../../server/triggers/bullmq-schedule-runner.ts';
import { waitFor } from '../../support/cli.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { RedisServer } from '../../support/redis-server.ts';
import { startRedisServer } from '../../support/redis-server.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.close();
});

const everySecond = flowOf(
  { tick: ['trigger.schedule', { cron: '* * * * * *' }], s: ['test.step'] },
  ['tick.payload->s.in'],
  'every-second',
);

describe('queue-mode schedules with the store as the last word', () => {
  it('every tick delivered to two servers, across a Redis restart, starts one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-schedules-once-redis-'));
    const attempts: { server: string; tick: number }[] = [];
    const servers: ServerHarness[] = [];
    const start = (server: string) =>
      startTestServer({
        dir,
        scheduleDriver: (options) =>
          new BullmqScheduleRunner({
            ...options,
            redisUrl: redis.url,
            prefix: `once-${server}`,
            fire: async (trigger, tickAt) => {
              attempts.push({ server, tick: tickAt.getTime() });
              await options.fire(trigger, tickAt);
            },
          }),
      });
    try {
      const a = await start('a');
      servers.push(a);
      expect((await a.api('/api/flows', { method: 'POST', json: everySecond })).status).toBe(201);
      servers.push(await start('b'));
      const deliveredTwice = () =>
        new Set(
          attempts
            .filter((x) => x.server === 'a' && attempts.some((y) => y.server === 'b' && y.tick === x.tick))
            .map((x) => x.tick),
        ).size;
      await waitFor(() => deliveredTwice() >= 3, 30_000, 'three ticks delivered to both servers');
      const beforeRestart = deliveredTwice();
      await redis.restart({ downMs: 500 });
      await waitFor(
        () => deliveredTwice() >= beforeRestart + 3,
        30_000,
        'three more ticks delivered to both servers after the Redis restart',
      );
    } finally {
      for (const server of servers.reverse()) await server.close();
    }

    const store = new SqliteStore(join(dir, 'r1.db'));
    try {
      const [trigger] = await store.triggers.list();
      const rows = await store.triggers.listFires(trigger!.id, { limit: 1000 });
      const runs = await store.listRuns({ flowId: 'every-second', limit: 1000 });
      const attempted = new Set(attempts.map((x) => x.tick));
      // Each tick that was fired, by one server or both, has one row and one run.
      expect(rows.map((row) => row.fireAt).sort((x, y) => x - y)).toEqual(
        [...attempted].sort((x, y) => x - y),
      );
      expect(rows.every((row) => row.status === 'started')).toBe(true);
      expect(runs).toHaveLength(rows.length);
      const firedAt = runs.map((run) => Date.parse((run.input as { firedAt: string }).firedAt));
      expect(new Set(firedAt).size).toBe(runs.length);
      expect(new Set(rows.map((row) => row.runId))).toEqual(new Set(runs.map((run) => run.id)));
      // Far fewer runs than deliveries: the duplicates were refused by the store.
      expect(attempts.length).toBeGreaterThanOrEqual(runs.length + 6);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
