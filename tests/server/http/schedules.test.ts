import { afterEach, describe, expect, it } from 'vitest';
import { flowOf } from '../../support/engine-harness.ts';
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
    h = await startTestServer();
    await h.api('/api/flows', { method: 'POST', json: scheduled('* * * * * *') }); // every second
    const until = Date.now() + 5000;
    while ((await h.runtime.store.listRuns()).length < 2 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    const runs = await h.runtime.store.listRuns();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]!.trigger.kind).toBe('schedule');
    expect(runs[0]!.input).toMatchObject({ source: 'nightly', firedAt: expect.any(String) });

    await h.api('/api/flows/nightly', { method: 'PATCH', json: { enabled: false } });
    await new Promise((r) => setTimeout(r, 300));
    const paused = (await h.runtime.store.listRuns({ limit: 500 })).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await h.runtime.store.listRuns({ limit: 500 })).length).toBe(paused);

    await h.api('/api/flows/nightly', { method: 'PATCH', json: { enabled: true } });
    await h.api('/api/flows/nightly', { method: 'DELETE' });
    await new Promise((r) => setTimeout(r, 300));
    const deleted = (await h.runtime.store.listRuns({ limit: 500 })).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await h.runtime.store.listRuns({ limit: 500 })).length).toBe(deleted);
  });

  it('on restart, missed ticks run once with catchUpOnce and not at all with skip', async () => {
    for (const policy of ['catchUpOnce', 'skip'] as const) {
      h = await startTestServer();
      const dir = h.dir;
      await h.api('/api/flows', { method: 'POST', json: scheduled('0 3 * * *', { missedTicks: policy }) });
      const [trigger] = await h.server.context.triggers.list();
      await h.server.context.triggers.recordFire(trigger!.id, Date.now() - 3 * 86_400_000); // three days of downtime
      await h.server.close();
      await h.runtime.close();
      h = await startTestServer({ dir });
      await new Promise((r) => setTimeout(r, 500));
      const runs = await h.runtime.store.listRuns();
      expect(runs.length).toBe(policy === 'catchUpOnce' ? 1 : 0);
      await h.close();
      h = undefined;
    }
  });
});
