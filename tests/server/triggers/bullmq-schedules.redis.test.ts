import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/node-context.ts';
import { ScheduleParamsSchema } from '../../../nodes/trigger/schedule.node.ts';
import { BullmqScheduleRunner } from '../../../server/triggers/bullmq-schedule-runner.ts';
import type { TriggerRecord } from '../../../server/triggers/trigger-store.ts';
import { waitFor } from '../../support/cli.ts';
import type { RedisServer } from '../../support/redis-server.ts';
import { startRedisServer } from '../../support/redis-server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.close();
});

const everySecond = {
  id: 'trg_every_second',
  flowId: 'nightly',
  flowVersion: 1,
  nodeId: 'tick',
  kind: 'schedule',
  path: null,
  enabled: true,
  lastFireAt: null,
  createdAt: 0,
  config: ScheduleParamsSchema.parse({ cron: '* * * * * *' }),
} as Extract<TriggerRecord, { kind: 'schedule' }>;

describe('schedules in queue mode', () => {
  it('two servers on one Redis fire each tick once', async () => {
    const fired: { server: string; tick: string }[] = [];
    let triggers = [everySecond];
    const servers = ['a', 'b'].map(
      (name) =>
        new BullmqScheduleRunner({
          redisUrl: redis.url,
          prefix: 'sched-test',
          logger: silentLogger,
          list: async () => triggers,
          fire: async (_trigger, tickAt) => {
            fired.push({ server: name, tick: tickAt.toISOString() });
          },
          missed: async () => true,
        }),
    );
    for (const server of servers) await server.start();
    // Three distinct ticks: by the third, a second copy of the first would have been taken too.
    await waitFor(() => new Set(fired.map((f) => f.tick)).size >= 3, 20_000, 'three schedule ticks');
    const ticks = fired.map((f) => f.tick);
    expect(new Set(ticks).size).toBe(ticks.length);

    // A deleted schedule stops firing on every server: Redis keeps no scheduler and no pending tick.
    triggers = [];
    await servers[0]!.refresh();
    const queue = new Queue('r1flow-schedules', { connection: { url: redis.url }, prefix: 'sched-test' });
    try {
      expect(await queue.getJobSchedulers()).toEqual([]);
      await waitFor(
        async () =>
          Object.values(await queue.getJobCounts('waiting', 'delayed', 'active')).every((n) => n === 0),
        10_000,
        'the pending tick to be removed',
      );
    } finally {
      await queue.close();
    }
    const stopped = fired.length;
    for (const server of servers) await server.close();
    expect(fired.length).toBe(stopped);
  });

  it('keeps firing after Redis restarts without its data (the schedulers are written again)', async () => {
    const empty = await startRedisServer({ persistence: 'none' });
    const fired: number[] = [];
    const runner = new BullmqScheduleRunner({
      redisUrl: empty.url,
      prefix: 'sched-test',
      logger: silentLogger,
      list: async () => [everySecond],
      fire: async (_trigger, tickAt) => {
        fired.push(tickAt.getTime());
      },
      missed: async () => true,
    });
    try {
      await runner.start();
      while (fired.length === 0) await new Promise((r) => setTimeout(r, 50));
      await empty.restart({ downMs: 500 });
      const before = fired.length;
      await new Promise((r) => setTimeout(r, 4000));
      expect(fired.length - before).toBeGreaterThanOrEqual(2);
    } finally {
      await runner.close();
      await empty.close();
    }
  });

  it('a late tick of a skip schedule is recorded as missed at its cron time, not run', async () => {
    const fired: number[] = [];
    const missed: number[] = [];
    const runner = new BullmqScheduleRunner({
      redisUrl: redis.url,
      prefix: 'sched-late',
      logger: silentLogger,
      lateAfterMs: -60_000, // every tick counts as late
      list: async () => [everySecond],
      fire: async (_trigger, tickAt) => {
        fired.push(tickAt.getTime());
      },
      missed: async (_trigger, tickAt) => {
        missed.push(tickAt.getTime());
        return true;
      },
    });
    try {
      await runner.start();
      await waitFor(() => missed.length >= 2, 20_000, 'two missed ticks');
      expect(fired).toEqual([]);
      // The key every server and every redelivery agrees on: the tick's time by the cron.
      for (const tick of missed) expect(tick % 1000).toBe(0);
    } finally {
      await runner.close();
    }
  });
});
