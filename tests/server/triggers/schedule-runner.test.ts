// The inline schedule runner against a hand-moved clock: every tick, re-arm and missed-tick
// decision is driven by the test, so nothing waits for real cron time.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/node-context.ts';
import type { ScheduleParams } from '../../../nodes/trigger/schedule.node.ts';
import { MISSED_AFTER_MS, ScheduleRunner } from '../../../server/triggers/schedule-runner.ts';
import type { TriggerRecord } from '../../../server/triggers/trigger-store.ts';
import { ManualClock } from '../../support/manual-clock.ts';

type ScheduleTrigger = Extract<TriggerRecord, { kind: 'schedule' }>;

const T0 = Date.parse('2026-03-01T10:00:00.250Z');

function schedule(config: Partial<ScheduleParams> & { cron: string }, lastFireAt: number | null = null) {
  return {
    id: 'trg_1',
    flowId: 'nightly',
    flowVersion: 1,
    nodeId: 'tick',
    path: null,
    enabled: true,
    lastFireAt,
    createdAt: 0,
    kind: 'schedule',
    config: { timezone: 'UTC', missedTicks: 'skip', input: {}, ...config },
  } satisfies ScheduleTrigger;
}

/** A runner over a mutable trigger list, recording the tick of every fire. */
function harness(triggers: ScheduleTrigger[], clock = new ManualClock(T0)) {
  const fired: string[] = [];
  const missed: string[] = [];
  const logged: { message: string; data?: Record<string, unknown> }[] = [];
  let gate: Promise<void> | undefined;
  const runner = new ScheduleRunner({
    clock,
    logger: { ...silentLogger, info: (message, data) => logged.push({ message, ...(data ? { data } : {}) }) },
    list: async () => [...triggers],
    fire: async (_trigger, tickAt) => {
      fired.push(tickAt.toISOString());
      await gate;
    },
    missed: async (_trigger, tickAt) => {
      missed.push(tickAt.toISOString());
      return true;
    },
  });
  return {
    runner,
    clock,
    fired,
    missed,
    logged,
    triggers,
    /** Holds every fire open until the returned release is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('ScheduleRunner', () => {
  it('fires each tick at its cron time and re-arms for the next one', async () => {
    const h = harness([schedule({ cron: '*/10 * * * * *' })]); // every ten seconds
    await h.runner.start();
    expect(h.clock.nextAt).toBe(Date.parse('2026-03-01T10:00:10.000Z'));
    for (let i = 0; i < 3; i++) {
      h.clock.fireNext();
      await h.clock.armed();
    }
    expect(h.fired).toEqual([
      '2026-03-01T10:00:10.000Z',
      '2026-03-01T10:00:20.000Z',
      '2026-03-01T10:00:30.000Z',
    ]);
    expect(h.clock.pending).toBe(1);
    h.runner.close();
    expect(h.clock.pending).toBe(0);
  });

  it('reads the cron in the trigger time zone', async () => {
    const h = harness([schedule({ cron: '0 2 * * *', timezone: 'Asia/Tokyo' })]);
    await h.runner.start();
    expect(new Date(h.clock.nextAt!).toISOString()).toBe('2026-03-01T17:00:00.000Z'); // 02:00 JST
  });

  it('a refresh that finds the flow disabled stops its timer, even while a fire is in flight', async () => {
    const h = harness([schedule({ cron: '* * * * * *' })]);
    await h.runner.start();
    const release = h.hold();
    h.clock.fireNext(); // the fire now waits on the gate
    expect(h.fired).toHaveLength(1);
    h.triggers.length = 0; // the flow was disabled
    await h.runner.refresh();
    release();
    // All promise callbacks (the finished fire and its re-arm) run before the next macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.clock.pending).toBe(0);
    h.clock.advance(60_000);
    expect(h.fired).toHaveLength(1);
  });

  it('two refreshes at once leave one timer per trigger', async () => {
    const h = harness([schedule({ cron: '* * * * * *' })]);
    await h.runner.start();
    await Promise.all([h.runner.refresh(), h.runner.refresh(), h.runner.refresh()]);
    expect(h.clock.pending).toBe(1);
    h.clock.advance(1000);
    expect(h.fired).toHaveLength(1);
  });

  it('a refresh whose listing is overtaken by a newer refresh arms nothing from the stale listing', async () => {
    const clock = new ManualClock(T0);
    const listings: Array<(triggers: ScheduleTrigger[]) => void> = [];
    const runner = new ScheduleRunner({
      clock,
      logger: silentLogger,
      list: () => new Promise((resolve) => listings.push(resolve)),
      fire: async () => {},
      missed: async () => true,
    });
    const first = runner.refresh(); // reads the flow while still enabled...
    const second = runner.refresh(); // ...and this one after it was disabled
    listings[1]!([]);
    await second;
    listings[0]!([schedule({ cron: '* * * * * *' })]); // the older listing answers last
    await first;
    expect(clock.pending).toBe(0);
  });

  it('on start, missed ticks fire once with catchUpOnce and not at all with skip; the others are recorded', async () => {
    const threeDaysAgo = T0 - 3 * 86_400_000;
    const catchUp = harness([schedule({ cron: '0 3 * * *', missedTicks: 'catchUpOnce' }, threeDaysAgo)]);
    await catchUp.runner.start();
    expect(catchUp.fired).toEqual(['2026-02-27T03:00:00.000Z']); // the first tick missed, once
    expect(catchUp.missed).toEqual(['2026-02-28T03:00:00.000Z', '2026-03-01T03:00:00.000Z']);
    expect(new Date(catchUp.clock.nextAt!).toISOString()).toBe('2026-03-02T03:00:00.000Z');

    const skip = harness([schedule({ cron: '0 3 * * *', missedTicks: 'skip' }, threeDaysAgo)]);
    await skip.runner.start();
    expect(skip.fired).toEqual([]);
    expect(skip.missed).toEqual([
      '2026-02-27T03:00:00.000Z',
      '2026-02-28T03:00:00.000Z',
      '2026-03-01T03:00:00.000Z',
    ]);
    expect(skip.logged).toContainEqual({
      message: 'recorded missed schedule ticks',
      data: { trigger: 'trg_1', recorded: 3, from: '2026-02-27T03:00:00.000Z' },
    });
    expect(skip.clock.pending).toBe(1);
  });

  it('a tick missed by less than MISSED_AFTER_MS is left to the servers still running', async () => {
    // Fired last 90 s ago, every 10 s: ticks older than a minute are missed, the newer ones may
    // still be firing on another server that shares the store.
    const h = harness([schedule({ cron: '*/10 * * * * *' }, T0 - 90_000)]);
    await h.runner.start();
    expect(MISSED_AFTER_MS).toBe(60_000);
    expect(h.missed).toEqual([
      '2026-03-01T09:58:40.000Z',
      '2026-03-01T09:58:50.000Z',
      '2026-03-01T09:59:00.000Z',
    ]);
    expect(h.fired).toEqual([]);
  });

  it('records at most 100 missed ticks of one schedule at start-up, the earliest, and says there were more', async () => {
    const h = harness([schedule({ cron: '* * * * * *' }, T0 - 86_400_000)]); // every second, down a day
    await h.runner.start();
    expect(h.missed).toHaveLength(100);
    expect(h.missed[0]).toBe('2026-02-28T10:00:01.000Z');
    expect(h.logged.find((l) => l.message === 'recorded missed schedule ticks')?.data).toMatchObject({
      recorded: 100,
      more: true,
    });
  });

  it('catchUpOnce fires nothing when no tick was missed', async () => {
    const h = harness([schedule({ cron: '0 3 * * *', missedTicks: 'catchUpOnce' }, T0 - 60_000)]);
    await h.runner.start();
    expect(h.fired).toEqual([]);
  });

  it('a schedule further out than one timer can wait is re-armed in steps, then fires on time', async () => {
    const h = harness([schedule({ cron: '0 0 1 1 *' })]); // once a year
    await h.runner.start();
    const due = Date.parse('2027-01-01T00:00:00.000Z');
    while (h.fired.length === 0) {
      expect(h.clock.nextAt!).toBeLessThanOrEqual(due);
      h.clock.fireNext();
      await h.clock.armed();
    }
    expect(h.fired).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(h.clock.now()).toBe(due);
  });

  it('a fire that throws is logged and the schedule keeps going', async () => {
    const clock = new ManualClock(T0);
    const errors: string[] = [];
    let calls = 0;
    const runner = new ScheduleRunner({
      clock,
      logger: { ...silentLogger, error: (message) => errors.push(message) },
      list: async () => [schedule({ cron: '* * * * * *' })],
      fire: async () => {
        calls++;
        throw new Error('store is read-only');
      },
      missed: async () => true,
    });
    await runner.start();
    clock.fireNext();
    await clock.armed();
    clock.fireNext();
    await clock.armed();
    expect(calls).toBe(2);
    expect(errors).toEqual(['a scheduled run could not start', 'a scheduled run could not start']);
  });
});
