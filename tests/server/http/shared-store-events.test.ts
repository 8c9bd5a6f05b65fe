// Two servers on one store, as a cluster's servers share one: a run driven by server B streams
// its events live on server A (whose orchestrator never sees them: they come from the store), and
// a cancel sent to A stops the run B drives (through the store's cancel request and B's lease
// renewal).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/cli.ts';
import { flowOf } from '../../support/engine-harness.ts';
import { type ServerHarness, startTestServer } from '../../support/server-harness.ts';

let dir: string;
let a: ServerHarness;
let b: ServerHarness;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-shared-store-'));
  a = await startTestServer({ dir });
  b = await startTestServer({ dir });
});
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

const twoSlowSteps = flowOf(
  {
    t: ['trigger.manual'],
    first: ['test.step', { label: 'first', sleepMs: 1000 }],
    second: ['test.step', { label: 'second', sleepMs: 300 }],
  },
  ['t.payload->first.in', 'first.out->second.in'],
  'two-slow-steps',
);

function eventsOf(stream: string): { seq: number; type: string; nodeId: string | undefined }[] {
  return [...stream.matchAll(/^id: (\d+)\nevent: ([\w.]+)\ndata: (.*)$/gm)].map((m) => ({
    seq: Number(m[1]),
    type: m[2]!,
    nodeId: (JSON.parse(m[3]!) as { nodeId?: string }).nodeId,
  }));
}

describe('two servers sharing one store', () => {
  it('streams on A, live and once each, the events of a run B drives', async () => {
    expect((await a.api('/api/flows', { method: 'POST', json: twoSlowSteps })).status).toBe(201);
    const started = await b.api('/api/flows/two-slow-steps/runs', { method: 'POST', json: { input: {} } });
    expect(started.status).toBe(201);
    const runId = started.body.run.id as string;
    expect((await a.runtime.store.getRunRecord(runId))!.owner).toBe(b.runtime.orchestrator.owner);

    // Opened while the first step still sleeps: what follows reaches A only from the store.
    const stream = await fetch(`${a.url}/api/runs/${runId}/events`).then((response) => response.text());
    const events = eventsOf(stream);
    expect(stream).toContain('event: end');
    expect(events.map((event) => event.type)).toContain('run.succeeded');
    expect(events.filter((e) => e.type === 'node.succeeded').map((e) => e.nodeId)).toEqual([
      't',
      'first',
      'second',
    ]);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    expect(a.runtime.orchestrator.activeRunCount).toBe(0);
  });

  it('a cancel sent to A stops a run B drives', async () => {
    const long = flowOf(
      { t: ['trigger.manual'], s: ['test.step', { sleepMs: 60_000 }] },
      ['t.payload->s.in'],
      'long',
    );
    await a.api('/api/flows', { method: 'POST', json: long });
    const started = await b.api('/api/flows/long/runs', { method: 'POST', json: { input: {} } });
    const runId = started.body.run.id as string;
    await waitFor(
      async () => (await a.api(`/api/runs/${runId}`)).body.run.status === 'running',
      10_000,
      'the run to start',
    );

    const streaming = fetch(`${a.url}/api/runs/${runId}/events`).then((response) => response.text());
    expect((await a.api(`/api/runs/${runId}/cancel`, { method: 'POST' })).status).toBeLessThan(300);
    await waitFor(
      async () => (await b.api(`/api/runs/${runId}`)).body.run.status === 'cancelled',
      10_000,
      'B to cancel the run',
    );
    expect(eventsOf(await streaming).map((event) => event.type)).toContain('run.cancelled');
  });
});
