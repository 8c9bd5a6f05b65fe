import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedHeaders as signed } from '../../security/signed-call.ts';
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

function hookFlow(id: string, params: Record<string, unknown>) {
  return flowOf(
    {
      hook: ['trigger.webhook', { fields: [{ name: 'question', maxLength: 200 }], ...params }],
      s: ['test.step'],
      out: ['output.answer'],
    },
    ['hook.payload->s.in', 's.out->out.value'],
    id,
  );
}

async function createHook(id: string, params: Record<string, unknown>) {
  const created = await h.api('/api/flows', { method: 'POST', json: hookFlow(id, params) });
  expect(created.status).toBe(201);
  return created.body.newSecrets[0].secret as string;
}

const runCount = async () => (await h.runtime.store.listRuns({ limit: 500 })).length;

describe('webhook triggers', () => {
  it('a signed call starts a run (202 with its status URL); the body is the run input', async () => {
    const secret = await createHook('hooked', { path: 'ask' });
    const body = JSON.stringify({ question: 'How many orders?' });
    const response = await fetch(`${h.url}/hooks/ask`, {
      method: 'POST',
      headers: signed(secret, body),
      body,
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { runId: string; statusUrl: string };
    expect(accepted.statusUrl).toBe(`/api/runs/${accepted.runId}`);
    const { run } = await h.runtime.orchestrator.waitForRun(accepted.runId, 10_000);
    expect(run).toMatchObject({
      status: 'succeeded',
      input: { question: 'How many orders?' },
      trigger: { kind: 'webhook' },
      // The trigger started it; no user's limits come with it.
      startedBy: { kind: 'webhook', name: '/hooks/ask' },
      access: null,
    });
    const [trigger] = (await h.api('/api/flows/hooked/triggers')).body.triggers;
    expect(run.startedBy?.id).toBe(trigger.id);
  });

  it('refuses bad signatures, old timestamps, big bodies, invalid JSON and bodies that fail the fields; no run is created', async () => {
    const secret = await createHook('hooked', { path: 'ask', maxBodyBytes: 64 });
    const body = JSON.stringify({ question: 'ok?' });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`${h.url}/hooks/ask`, { method: 'POST', headers, body: payload });

    const badSignature = await post(signed('whsec_not-the-secret', body));
    expect(badSignature.status).toBe(403);
    expect(((await badSignature.json()) as { error: { message: string } }).error.message).toContain(
      'signature',
    );

    const old = await post(signed(secret, body, Math.floor(Date.now() / 1000) - 3600));
    expect(old.status).toBe(403);
    expect(((await old.json()) as { error: { message: string } }).error.message).toContain('allowed: 300 s');

    const unsigned = await post({ 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);

    const big = JSON.stringify({ question: 'x'.repeat(200) });
    expect((await post(signed(secret, big), big)).status).toBe(413);

    const notJson = '{"question": ';
    const invalid = await post(signed(secret, notJson), notJson);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain(
      'malformed JSON',
    );

    const wrongShape = JSON.stringify({ question: 42 });
    const schemaFail = await post(signed(secret, wrongShape), wrongShape);
    expect(schemaFail.status).toBe(400);
    expect(((await schemaFail.json()) as { error: { path: string } }).error.path).toBe('input.question');

    expect(await runCount()).toBe(0);
  });

  it('an Idempotency-Key repeat (each delivery signed afresh) returns the same run', async () => {
    const secret = await createHook('hooked', { path: 'ask' });
    const body = JSON.stringify({ question: 'once' });
    const now = Math.floor(Date.now() / 1000);
    const send = (age: number) =>
      fetch(`${h.url}/hooks/ask`, {
        method: 'POST',
        headers: { ...signed(secret, body, now - age), 'idempotency-key': 'k-1' },
        body,
      });
    const [a, b] = await Promise.all([send(0), send(1)]);
    const c = await send(2);
    const ids = await Promise.all([a, b, c].map(async (r) => ((await r.json()) as { runId: string }).runId));
    expect(new Set(ids).size).toBe(1);
    expect(c.headers.get('idempotent-replayed')).toBe('true');
    expect(await runCount()).toBe(1);
  });

  it('sync mode answers with the run output; token mode checks the bearer token', async () => {
    const token = await createHook('sync-hook', { path: 'sync', auth: 'token', responseMode: 'sync' });
    expect(token).toMatch(/^whtok_/);
    const body = JSON.stringify({ question: 'now' });
    const wrong = await fetch(`${h.url}/hooks/sync`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body,
    });
    expect(wrong.status).toBe(403);
    const response = await fetch(`${h.url}/hooks/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { status: string; output: { value: { in: unknown } } };
    expect(result.status).toBe('succeeded');
    expect(result.output.value.in).toEqual({ question: 'now' });
  });

  it('rate-limits each hook with 429 and Retry-After', async () => {
    const secret = await createHook('limited', { path: 'limited', rateLimitPerMinute: 2 });
    const body = JSON.stringify({ question: 'q' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${h.url}/hooks/limited`, {
        method: 'POST',
        headers: signed(secret, body, now - i),
        body,
      });
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('a disabled flow or unknown path answers 404', async () => {
    const secret = await createHook('hooked', { path: 'ask' });
    await h.api('/api/flows/hooked', { method: 'PATCH', json: { enabled: false } });
    const body = '{"question":"x"}';
    expect(
      (await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers: signed(secret, body), body })).status,
    ).toBe(404);
    expect((await fetch(`${h.url}/hooks/none`, { method: 'POST', body })).status).toBe(404);
  });

  it('shows the webhook URL, auth mode, secret and a signed curl example', async () => {
    const secret = await createHook('hooked', { path: 'ask' });
    const [trigger] = (await h.api('/api/flows/hooked/triggers')).body.triggers;
    expect(trigger).toMatchObject({
      kind: 'webhook',
      auth: 'hmac',
      url: 'http://127.0.0.1/hooks/ask',
      secret,
    });
    expect(trigger.curl).toContain('X-R1flow-Signature');
    const rotated = await h.api(`/api/triggers/${trigger.id}/rotate-secret`, { method: 'POST' });
    expect(rotated.body.secret.secret).not.toBe(secret);
  });

  it('refuses a second flow on a path another flow serves', async () => {
    await createHook('first', { path: 'shared' });
    const second = await h.api('/api/flows', {
      method: 'POST',
      json: hookFlow('second', { path: 'shared' }),
    });
    expect(second.status).toBe(400);
    expect(second.body.error.message).toContain('already served by flow "first"');
  });
});
