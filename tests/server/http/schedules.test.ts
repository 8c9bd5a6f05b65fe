import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/cli.ts';
import { flowOf } from '../../support/engine-harness.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
});

const scheduled = (cron: string, extra: Record<string, unknown> = {}) =>
  flowOf(
    { tick: ['trigger.schedule', { cron, input: { source: 'nightly' }, ...extra }], s: ['test.step'] },
    ['tick.payload->s.in'],
    'nightly',
  );

describe('schedule triggers', () => {
  it('an invalid cron expression is refused on save with the parse error', async () => {
    h = await startTestServer();
    const response = await h.api('/api/flows', { method: 'POST', json: scheduled('61 * * * *') });
    expect(response.status).toBe(400);
    expect(response.body.error.issues[0]).toMatchObject({
      code: 'FLOW_BAD_PARAMS',
      path: 'nodes[0].params.cron',
    });
    expect(response.body.error.issues[0].message).toContain('expected range 0-59');
    const zone = await h.api('/api/flows', {
      method: 'POST',
      json: scheduled('0 2 * * *', { timezone: 'Mars/Olympus' }),
    });
    expect(zone.body.error.issues[0].message).toContain('unknown time zone');
  });

  it('shows the next five fire times in the flow time zone', async () => {
    h = await startTestServer();
    await h.api('/api/flows', { method: 'POST', json: scheduled('0 2 * * *', { timezone: 'Asia/Tokyo' }) });
    const [trigger] = (await h.api('/api/flows/nightly/triggers')).body.triggers;
    expect(trigger.nextFireTimes).toHaveLength(5);
    for (const time of trigger.nextFireTimes as string[]) expect(time).toMatch(/T17:00:00\.000Z$/); // 02:00 JST
  });

  it('fires on its schedule with its input, and stops when the flow is disabled or deleted', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00.250Z'));
    h = await startTestServer({ scheduleClock: clock });
    const refreshed = trackRefreshes(h);
    await h.api('/api/flows', { method: 'POST', json: scheduled('* * * * * *') }); // every second
    await refreshed();
    clock.fireNext();
    await clock.armed(); // re-armed once the first run has started
    clock.fireNext();
    const server = h;
    await waitFor(async () => (await server.runtime.store.listRuns()).length === 2, 10_000, 'two runs');
    const runs = await h.runtime.store.listRuns();
    expect(runs.every((run) => run.trigger.kind === 'schedule')).toBe(true);
    const [schedule] = await h.server.context.triggers.list({ kind: 'schedule' });
    for (const run of runs) {
      expect(run.startedBy).toEqual({
        kind: 'schedule',
        id: schedule?.id,
        name: `nightly/${schedule?.nodeId}`,
      });
      expect(run.access).toBeNull();
    }
    expect(runs.map((run) => run.input)).toEqual(
      expect.arrayContaining([
        { source: 'nightly', firedAt: '2026-03-01T10:00:01.000Z' },
        { source: 'nightly', firedAt: '2026-03-01T10:00:02.000Z' },
      ]),
    );

    await h.api('/api/flows/nightly', { method: 'PATCH', json: { enabled: false } });
    await refreshed();
    expect(clock.pending).toBe(0);

    await h.api('/api/flows/nightly', { method: 'PATCH', json: { enabled: true } });
    await refreshed();
    expect(clock.pending).toBe(1);
    await h.api('/api/flows/nightly', { method: 'DELETE' });
    await refreshed();
    expect(clock.pending).toBe(0);
    expect((await h.runtime.store.listRuns({ limit: 500 })).length).toBe(2);
  });

  it('on restart, missed ticks run once with catchUpOnce and not at all with skip, and are recorded', async () => {
    for (const policy of ['catchUpOnce', 'skip'] as const) {
      h = await startTestServer();
      const dir = h.dir;
      await h.api('/api/flows', { method: 'POST', json: scheduled('0 3 * * *', { missedTicks: policy }) });
      const [trigger] = await h.server.context.triggers.list();
      // Three days of downtime since the last run, at the 03:00 tick: three ticks were missed (the
      // latest of them more than a minute ago, so it counts as missed rather than still firing).
      const today = new Date();
      today.setUTCHours(3, 0, 0, 0);
      const latest = today.getTime() > Date.now() - 60_000 ? today.getTime() - 86_400_000 : today.getTime();
      const lastTick = latest - 3 * 86_400_000;
      await h.runtime.store.commit([
        { kind: 'claimFire', triggerId: trigger!.id, fireAt: lastTick, runId: 'r-before-downtime' },
      ]);
      await h.server.close();
      await h.runtime.close();
      // Start-up awaits the catch-up fire, which has created its run by the time the server is up.
      h = await startTestServer({ dir });
      const runs = await h.runtime.store.listRuns();
      expect(runs.length).toBe(policy === 'catchUpOnce' ? 1 : 0);
      const fires = await h.server.context.triggers.listFires(trigger!.id);
      const ticks = [1, 2, 3].map((day) => lastTick + day * 86_400_000).reverse();
      expect(fires.map((f) => [f.fireAt, f.status])).toEqual([
        ...ticks.map((tick, i) => [tick, policy === 'catchUpOnce' && i === 2 ? 'started' : 'missed']),
        [lastTick, 'started'],
      ]);
      if (policy === 'catchUpOnce') expect(fires[2]!.runId).toBe(runs[0]!.id);
      const [view] = (await h.api('/api/flows/nightly/triggers')).body.triggers;
      expect(view.recentFires[0]).toMatchObject({ at: new Date(ticks[0]!).toISOString(), status: 'missed' });
      await h.close();
      h = undefined;
    }
  });
});

/** Returns a function that waits until the trigger refreshes the server has started so far are done. */
describe('schedule triggers and pinned outputs', () => {
  it('a scheduled run runs its nodes even when one has a pinned output', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00.250Z'));
    h = await startTestServer({ scheduleClock: clock });
    const refreshed = trackRefreshes(h);
    await h.api('/api/flows', { method: 'POST', json: scheduled('* * * * * *') });
    await refreshed();
    await h.runtime.store.pins.put({
      flowId: 'nightly',
      nodeId: 's',
      nodeKey: 'test.step@1',
      runId: 'r-earlier',
      output: { out: 'pinned' },
      pinnedAt: Date.now(),
    });
    clock.fireNext();
    const server = h;
    await waitFor(async () => (await server.runtime.store.listRuns()).length === 1, 10_000, 'a run');
    const [run] = await h.runtime.store.listRuns();
    const { run: finished } = await h.runtime.orchestrator.waitForRun(run!.id, 10_000);
    expect(finished.status).toBe('succeeded');
    const step = (await h.runtime.store.getRun(run!.id))!.nodes.find((n) => n.nodeId === 's')!;
    expect(step.pinned).toBe(false);
    expect(step.output).not.toEqual({ out: 'pinned' });
    expect(step.attempt).toBe(1);
  });
});

function trackRefreshes(server: ServerHarness): () => Promise<void> {
  const schedules = server.server.schedules;
  const refresh = schedules.refresh.bind(schedules);
  const started: Promise<void>[] = [];
  schedules.refresh = () => {
    const done = refresh();
    started.push(done);
    return done;
  };
  return async () => {
    expect(started.length).toBeGreaterThan(0); // the route did ask for a refresh
    await Promise.all(started.splice(0));
  };
}
