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

const twoSteps = flowOf(
  {
    t: ['trigger.manual', { fields: [{ name: 'q' }] }],
    a: ['test.step', { label: 'a' }],
    b: ['test.step', { label: 'b' }],
  },
  ['t.payload->a.in', 'a.out->b.in'],
  'two-steps',
);

describe('the HTTP API', () => {
  it('creates flows, saves versions and serves each version', async () => {
    const created = await h.api('/api/flows', { method: 'POST', json: twoSteps });
    expect(created.status).toBe(201);
    expect(created.body.version.version).toBe(1);
    const again = await h.api('/api/flows', { method: 'POST', json: twoSteps });
    expect(again.status).toBe(409);
    const saved = await h.api('/api/flows/two-steps', {
      method: 'PUT',
      json: { ...twoSteps, name: 'Two steps v2' },
    });
    expect(saved.body.version.version).toBe(2);
    expect(
      (await h.api('/api/flows/two-steps/versions')).body.versions.map((v: { version: number }) => v.version),
    ).toEqual([2, 1]);
    expect((await h.api('/api/flows/two-steps/versions/1')).body.version.document.name).toBe('two-steps');
    expect((await h.api('/api/flows/two-steps')).body.flow.name).toBe('Two steps v2');
    expect((await h.api('/api/flows/two-steps', { method: 'DELETE' })).status).toBe(204);
    expect((await h.api('/api/flows/two-steps')).status).toBe(404);
  });

  it('refuses an invalid flow with every issue and its path', async () => {
    const bad = flowOf({ a: ['test.step'], b: ['nope.node'] }, ['a.out->a.in'], 'bad');
    const response = await h.api('/api/flows', { method: 'POST', json: bad });
    expect(response.status).toBe(400);
    expect(response.body.error.issues.map((i: { code: string }) => i.code).sort()).toEqual([
      'FLOW_CYCLE',
      'FLOW_UNKNOWN_NODE_TYPE',
    ]);
    expect((await h.api('/api/flows')).body.flows).toHaveLength(0);
  });

  it('refuses a flow whose expression reads a node not upstream with 400, naming the param', async () => {
    const bad = flowOf(
      { t: ['trigger.manual'], a: ['test.step', { label: { $expr: '$node.b.out' } }], b: ['test.step'] },
      ['t.payload->a.in', 'a.out->b.in'],
      'bad-expression',
    );
    const response = await h.api('/api/flows', { method: 'POST', json: bad });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'FLOW_BAD_EXPRESSION', path: 'nodes[1].params.label' });
  });

  it('validates drafts and returns the ports of every node, trigger fields included', async () => {
    const response = await h.api('/api/flows/validate', { method: 'POST', json: twoSteps });
    expect(response.body.ok).toBe(true);
    expect(response.body.ports.t.outputs.map((p: { name: string }) => p.name)).toEqual([
      'q',
      'payload',
      'history',
    ]);
  });

  it('runs a flow, waits for it with ?wait, and shows its node runs', async () => {
    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    const started = await h.api('/api/flows/two-steps/runs?wait=10s', {
      method: 'POST',
      json: { input: { q: 'hi' } },
    });
    expect(started.status).toBe(200);
    expect(started.body.run.status).toBe('succeeded');
    const detail = await h.api(`/api/runs/${started.body.run.id}`);
    expect(detail.body.nodes.map((n: { nodeId: string; status: string }) => [n.nodeId, n.status])).toEqual([
      ['t', 'succeeded'],
      ['a', 'succeeded'],
      ['b', 'succeeded'],
    ]);
    expect(detail.body.attempts).toHaveLength(3);
    const list = await h.api('/api/runs?flow=two-steps&status=succeeded');
    expect(list.body.runs).toHaveLength(1);
  });

  it('answers a bad run input with 400 and the failing paths, creating no run', async () => {
    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    const response = await h.api('/api/flows/two-steps/runs', { method: 'POST', json: { input: { q: 7 } } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'RUN_BAD_INPUT', path: 'input.q' });
    expect((await h.api('/api/runs')).body.runs).toHaveLength(0);
  });

  it('refuses an empty or blank required text field with 400 naming it, creating no run', async () => {
    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    for (const blank of ['', '   ']) {
      const response = await h.api('/api/flows/two-steps/runs', {
        method: 'POST',
        json: { input: { q: blank } },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'RUN_BAD_INPUT', path: 'input.q' });
      expect(response.body.error.message).toContain('q is required and must not be empty or only spaces');
    }
    expect((await h.api('/api/runs')).body.runs).toHaveLength(0);
  });

  it('cancels a run and re-runs from a node reusing upstream outputs', async () => {
    const slow = flowOf(
      { t: ['trigger.manual'], s: ['test.step', { sleepMs: 30_000 }] },
      ['t.payload->s.in'],
      'slow',
    );
    await h.api('/api/flows', { method: 'POST', json: slow });
    const started = await h.api('/api/flows/slow/runs', { method: 'POST', json: {} });
    const cancelled = await h.api(`/api/runs/${started.body.run.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.run.status).toBe('cancelled');
    expect((await h.api(`/api/runs/${started.body.run.id}/cancel`, { method: 'POST' })).status).toBe(409);

    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    const first = await h.api('/api/flows/two-steps/runs?wait=10s', {
      method: 'POST',
      json: { input: { q: 'x' } },
    });
    const rerun = await h.api(`/api/runs/${first.body.run.id}/rerun`, {
      method: 'POST',
      json: { fromNode: 'b' },
    });
    expect(rerun.status).toBe(201);
    const { run } = await h.runtime.orchestrator.waitForRun(rerun.body.run.id, 10_000);
    expect(run.status).toBe('succeeded');
    const nodes = (await h.api(`/api/runs/${run.id}`)).body.nodes as { nodeId: string; reused: boolean }[];
    expect(nodes.find((n) => n.nodeId === 'a')!.reused).toBe(true);
    expect(nodes.find((n) => n.nodeId === 'b')!.reused).toBe(false);
  });

  it('streams run events as SSE and resumes after Last-Event-ID', async () => {
    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    const started = await h.api('/api/flows/two-steps/runs?wait=10s', {
      method: 'POST',
      json: { input: { q: 'x' } },
    });
    const id = started.body.run.id;
    const full = await fetch(`${h.url}/api/runs/${id}/events`).then((r) => r.text());
    const ids = [...full.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(full).toContain('event: run.succeeded');
    expect(full).toContain('event: end');
    const resumed = await fetch(`${h.url}/api/runs/${id}/events`, {
      headers: { 'last-event-id': String(ids[2]) },
    }).then((r) => r.text());
    expect([...resumed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(ids.slice(3));
  });

  it("labels the editor's runs as manual runs from the editor; run.succeeded carries the output", async () => {
    await h.api('/api/flows', { method: 'POST', json: twoSteps });
    const fromEditor = await h.api('/api/flows/two-steps/runs?wait=10s', {
      method: 'POST',
      json: { input: { q: 'x' }, source: 'editor' },
    });
    expect(fromEditor.body.run.trigger).toMatchObject({ kind: 'manual', detail: { source: 'editor' } });
    const fromApp = await h.api('/api/flows/two-steps/runs', { method: 'POST', json: { input: { q: 'y' } } });
    expect(fromApp.body.run.trigger.kind).toBe('api');
    expect(
      (await h.api('/api/flows/two-steps/runs', { method: 'POST', json: { input: {}, source: 'cron' } }))
        .status,
    ).toBe(400);

    const events = await fetch(`${h.url}/api/runs/${fromEditor.body.run.id}/events`).then((r) => r.text());
    const succeeded = JSON.parse(/event: run\.succeeded\ndata: (.*)\n/.exec(events)![1]!);
    expect(succeeded.data.output).toEqual(fromEditor.body.run.output);
    expect(succeeded.data.output).not.toBeNull();
  });

  it('suggests questions only for flows that take a question', async () => {
    h.server.context.options.suggestedQuestions = ['How many customers do we have?'];
    try {
      await h.api('/api/flows', { method: 'POST', json: twoSteps });
      const asks = flowOf({ t: ['trigger.manual', { fields: [{ name: 'question' }] }] }, [], 'asks');
      await h.api('/api/flows', { method: 'POST', json: asks });
      expect((await h.api('/api/flows/asks/suggested-questions')).body.questions).toEqual([
        'How many customers do we have?',
      ]);
      expect((await h.api('/api/flows/two-steps/suggested-questions')).body.questions).toEqual([]);
      expect((await h.api('/api/flows/nope/suggested-questions')).status).toBe(404);
    } finally {
      delete h.server.context.options.suggestedQuestions;
    }
  });

  it('refuses to save an empty flow', async () => {
    const response = await h.api('/api/flows', {
      method: 'POST',
      json: { id: 'empty', name: 'Empty', nodes: [], edges: [] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('FLOW_EMPTY');
    expect((await h.api('/api/flows/empty')).status).toBe(404);
  });

  it('serves the node catalog with JSON Schemas, health, metrics and the OpenAPI document', async () => {
    const nodes = (await h.api('/api/nodes')).body.nodes as { key: string; params: { type: string } }[];
    expect(nodes.map((n) => n.key)).toContain('sql.vote@1');
    expect(nodes.find((n) => n.key === 'llm.generate@1')!.params.type).toBe('object');
    expect((await h.api('/healthz')).body.ok).toBe(true);
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('r1flow_runs{status="succeeded"}');
    const openapi = (await h.api('/api/openapi.json')).body;
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/flows/{id}/runs');
  });

  it('answers unknown routes and bad JSON bodies with JSON errors, never a stack trace', async () => {
    const missing = await h.api('/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const broken = await fetch(`${h.url}/api/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id": ',
    });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toContain('    at ');
  });
});
