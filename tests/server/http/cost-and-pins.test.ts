import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer();
});
afterEach(async () => {
  await h.close();
});

const GEN_COST = { tokensIn: 120, tokensOut: 30, modelMs: 40 };
const SQL_COST = { sqlMs: 5, rows: 3 };

/** A webhook (sync) and a manual trigger in front of a "model" node and a "SQL" node. */
function costedFlow(id: string) {
  return flowOf(
    {
      hook: ['trigger.webhook', { path: 'costed', auth: 'token', responseMode: 'sync' }],
      gen: ['test.step', { label: 'gen', cost: GEN_COST }],
      sql: ['test.step', { label: 'sql', cost: SQL_COST }],
      out: ['output.answer'],
    },
    ['hook.payload->gen.in', 'gen.out->sql.in', 'sql.out->out.value'],
    id,
  );
}

async function createFlow(id: string): Promise<string> {
  const created = await h.api('/api/flows', { method: 'POST', json: costedFlow(id) });
  expect(created.status).toBe(201);
  return created.body.newSecrets[0].secret as string;
}

async function finishedRun(flowId: string, json: Record<string, unknown> = {}) {
  const started = await h.api(`/api/flows/${flowId}/runs?wait=10s`, { method: 'POST', json });
  expect(started.status).toBe(200);
  return (await h.api(`/api/runs/${started.body.run.id}`)).body;
}

describe('cost per node', () => {
  it('GET /api/runs/:id has each node run’s cost and the run’s total; the runs list has the totals', async () => {
    await createFlow('costed');
    const run = await finishedRun('costed');
    const cost = Object.fromEntries(
      run.nodes.map((n: { nodeId: string; cost: unknown }) => [n.nodeId, n.cost]),
    );
    expect(cost).toEqual({
      hook: null,
      gen: { ...GEN_COST, sqlMs: 0, rows: 0 },
      sql: { tokensIn: 0, tokensOut: 0, modelMs: 0, ...SQL_COST },
      out: null,
    });
    expect(run.run.cost).toEqual({ ...GEN_COST, ...SQL_COST });
    const listed = await h.api('/api/runs?flow=costed');
    expect(listed.body.runs[0].cost).toEqual({ ...GEN_COST, ...SQL_COST });
  });

  it('a sync webhook answers with the run’s cost', async () => {
    const token = await createFlow('costed');
    const response = await fetch(`${h.url}/hooks/costed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; cost: unknown };
    expect(body.status).toBe('succeeded');
    expect(body.cost).toEqual({ ...GEN_COST, ...SQL_COST });
  });

  it('/metrics counts tokens, model and SQL time and rows per flow and node', async () => {
    await createFlow('costed');
    await finishedRun('costed');
    await finishedRun('costed');
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('# TYPE r1flow_node_tokens_in_total counter');
    expect(metrics).toContain('r1flow_node_tokens_in_total{flow="costed",node="gen"} 240');
    expect(metrics).toContain('r1flow_node_tokens_out_total{flow="costed",node="gen"} 60');
    expect(metrics).toContain('r1flow_node_model_seconds_total{flow="costed",node="gen"} 0.08');
    expect(metrics).toContain('r1flow_node_sql_seconds_total{flow="costed",node="sql"} 0.01');
    expect(metrics).toContain('r1flow_node_sql_rows_total{flow="costed",node="sql"} 6');
    expect(metrics).not.toContain('node="out"');
  });
});

describe('pinned outputs', () => {
  it('pins a node’s output from a past run; editor runs (usePins) take it, plain API and webhook runs do not', async () => {
    const token = await createFlow('pinned');
    const first = await finishedRun('pinned');
    const pinned = await h.api('/api/flows/pinned/pins/gen', {
      method: 'PUT',
      json: { runId: first.run.id },
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body.pin).toMatchObject({ nodeId: 'gen', runId: first.run.id, nodeKey: 'test.step@1' });
    expect(
      (await h.api('/api/flows/pinned/pins')).body.pins.map((p: { nodeId: string }) => p.nodeId),
    ).toEqual(['gen']);

    const tried = await finishedRun('pinned', { usePins: true });
    const gen = tried.nodes.find((n: { nodeId: string }) => n.nodeId === 'gen');
    expect(gen).toMatchObject({ pinned: true, cost: null, attempt: 0 });
    expect(gen.output).toEqual(first.nodes.find((n: { nodeId: string }) => n.nodeId === 'gen').output);
    expect(tried.run.cost).toEqual({ tokensIn: 0, tokensOut: 0, modelMs: 0, ...SQL_COST });

    const plain = await finishedRun('pinned');
    expect(plain.nodes.find((n: { nodeId: string }) => n.nodeId === 'gen').pinned).toBe(false);

    const hooked = await fetch(`${h.url}/hooks/costed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.json() as Promise<{ runId: string }>);
    const hookRun = await h.api(`/api/runs/${hooked.runId}`);
    expect(hookRun.body.nodes.find((n: { nodeId: string }) => n.nodeId === 'gen').pinned).toBe(false);

    const rerun = await h.api(`/api/runs/${first.run.id}/rerun`, {
      method: 'POST',
      json: { fromNode: 'sql', usePins: true },
    });
    expect(rerun.status).toBe(201);

    expect((await h.api('/api/flows/pinned/pins/gen', { method: 'DELETE' })).status).toBe(204);
    const gone = await h.api('/api/flows/pinned/pins/gen', { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('PIN_NOT_FOUND');
    const after = await finishedRun('pinned', { usePins: true });
    expect(after.nodes.find((n: { nodeId: string }) => n.nodeId === 'gen').pinned).toBe(false);
  });

  it('refuses to pin from a run of another flow, an unknown run or a node without output', async () => {
    await createFlow('pinned');
    const other = flowOf(
      { m: ['trigger.manual'], gen: ['test.step', { failTimes: 1 }] },
      ['m.payload->gen.in'],
      'other',
    );
    expect((await h.api('/api/flows', { method: 'POST', json: other })).status).toBe(201);
    const otherRun = await h.api('/api/flows/other/runs?wait=10s', { method: 'POST', json: {} });

    const wrongFlow = await h.api('/api/flows/pinned/pins/gen', {
      method: 'PUT',
      json: { runId: otherRun.body.run.id },
    });
    expect(wrongFlow.status).toBe(400);
    expect(wrongFlow.body.error.message).toContain('is a run of flow "other", not "pinned"');

    const unknown = await h.api('/api/flows/pinned/pins/gen', { method: 'PUT', json: { runId: 'r-none' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RUN_NOT_FOUND');

    const failed = await h.api('/api/flows/other/pins/gen', {
      method: 'PUT',
      json: { runId: otherRun.body.run.id },
    });
    expect(failed.status).toBe(409);
    expect(failed.body.error.code).toBe('PIN_NO_OUTPUT');
    expect(failed.body.error.message).toContain('it is failed');

    const noFlow = await h.api('/api/flows/nothing/pins/gen', {
      method: 'PUT',
      json: { runId: otherRun.body.run.id },
    });
    expect(noFlow.status).toBe(404);
  });
});
