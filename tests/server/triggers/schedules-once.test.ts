// Two r1flow servers sharing one store, each arming its own timer for the same every-second
// schedule on the wall clock: the store's fire row makes each tick start exactly one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import { ScheduleRunner } from '../../../server/triggers/schedule-runner.ts';
import { waitFor } from '../../support/cli.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

const servers: ServerHarness[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const everySecond = flowOf(
  { tick: ['trigger.schedule', { cron: '* * * * * *' }], s: ['test.step'] },
  ['tick.payload->s.in'],
  'every-second',
);

describe('schedules on several servers sharing one store', () => {
  it('two servers firing a 1-second schedule start exactly one run per tick, none missing', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'r1flow-schedules-once-'));
    dir = shared;
    // Which server fired which tick (whether or not its run was the one stored).
    const attempts: { server: string; tick: number }[] = [];
    const start = (server: string) =>
      startTestServer({
        dir: shared,
        scheduleDriver: (options) =>
          new ScheduleRunner({
            ...options,
            fire: async (trigger, tickAt) => {
              attempts.push({ server, tick: tickAt.getTime() });
              await options.fire(trigger, tickAt);
            },
          }),
      });
    const a = await start('a');
    servers.push(a);
    expect((await a.api('/api/flows', { method: 'POST', json: everySecond })).status).toBe(201);
    // B starts after the flow exists, so both servers have armed the schedule from here on.
    const b = await start('b');
    servers.push(b);
    const [trigger] = await a.server.context.triggers.list();
    const fires = () => a.server.context.triggers.listFires(trigger!.id, 1000);
    const firstShared = Date.now() + 1000;
    await waitFor(
      async () => (await fires()).filter((f) => f.fireAt > firstShared).length >= 5,
      30_000,
      'five ticks fired while both servers run',
    );
    // Stop both before counting, so no tick is half-way through a claim.
    for (const server of servers.splice(0).reverse()) await server.close();

    const store = new SqliteStore(join(shared, 'r1.db'));
    try {
      const rows = await store.triggers.listFires(trigger!.id, { limit: 1000 });
      const runs = await store.listRuns({ flowId: 'every-second', limit: 1000 });
      // Every tick from the first to the last has one row, one second apart: none missing.
      const ticks = rows.map((row) => row.fireAt).sort((x, y) => x - y);
      expect(ticks.length).toBeGreaterThanOrEqual(5);
      expect(ticks.every((tick, i) => i === 0 || tick - ticks[i - 1]! === 1000)).toBe(true);
      expect(rows.every((row) => row.status === 'started')).toBe(true);
      // One run per tick: as many runs as ticks, each tick's run the one its row names.
      expect(runs).toHaveLength(ticks.length);
      const firedAt = runs.map((run) => Date.parse((run.input as { firedAt: string }).firedAt));
      expect(firedAt.sort((x, y) => x - y)).toEqual(ticks);
      expect(new Set(rows.map((row) => row.runId))).toEqual(new Set(runs.map((run) => run.id)));
      // Both servers fired every tick since B started, and still each of those ticks has one run.
      const bothFired = ticks.filter((tick) => tick > firstShared);
      expect(bothFired.length).toBeGreaterThanOrEqual(5);
      for (const tick of bothFired) {
        expect(
          attempts
            .filter((x) => x.tick === tick)
            .map((x) => x.server)
            .sort(),
        ).toEqual(['a', 'b']);
      }
    } finally {
      await store.close();
    }
  });
});
