// Webhook abuse: replays of a captured signed call, Idempotency-Key reuse with another body, and
// strangers draining a hook's rate so the valid caller is locked out.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_FAILURES_PER_MINUTE } from '../../server/http/routes/hook-routes.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';
import { rawRequest } from './raw-http.ts';
import { signedHeaders as signed } from './signed-call.ts';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer();
});
afterEach(async () => {
  await h.close();
});

async function createHook(params: Record<string, unknown>): Promise<string> {
  const flow = flowOf(
    {
      hook: ['trigger.webhook', { path: 'ask', fields: [{ name: 'question' }], ...params }],
      out: ['output.answer'],
    },
    ['hook.payload->out.value'],
    'ask-webhook',
  );
  const created = await h.api('/api/flows', { method: 'POST', json: flow });
  expect(created.status).toBe(201);
  return created.body.newSecrets[0].secret;
}

const runCount = async () => (await h.runtime.store.listRuns({ limit: 500 })).length;

describe('webhook replay', () => {
  it('the same timestamp, signature and body sent three times makes one run; repeats are 409', async () => {
    const secret = await createHook({});
    const body = JSON.stringify({ question: 'once' });
    const headers = signed(secret, body);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers, body });
      statuses.push(response.status);
      if (i > 0) {
        const error = ((await response.json()) as { error: { code: string } }).error;
        expect(error.code).toBe('WEBHOOK_REPLAYED');
      }
    }
    expect(statuses).toEqual([202, 409, 409]);
    expect(await runCount()).toBe(1);
  });

  it('replays sent at once still make one run', async () => {
    const secret = await createHook({});
    const body = JSON.stringify({ question: 'burst' });
    const headers = signed(secret, body);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${h.url}/hooks/ask`, { method: 'POST', headers, body })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([202, 409, 409, 409, 409]);
    expect(await runCount()).toBe(1);
  });

  it('accepted signatures survive a restart on the same store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-replay-'));
    const serverKey = randomBytes(32);
    try {
      await h.close();
      h = await startTestServer({ dir, serverKey });
      const secret = await createHook({});
      const body = JSON.stringify({ question: 'persist' });
      const headers = signed(secret, body);
      expect((await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers, body })).status).toBe(202);
      await h.close();
      h = await startTestServer({ dir, serverKey });
      expect((await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers, body })).status).toBe(409);
      expect(await runCount()).toBe(1);
    } finally {
      await h.close();
      h = await startTestServer();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an Idempotency-Key reused with another body is 422, not the old run', async () => {
    const secret = await createHook({});
    const now = Math.floor(Date.now() / 1000);
    const send = (question: string, age: number) => {
      const body = JSON.stringify({ question });
      return fetch(`${h.url}/hooks/ask`, {
        method: 'POST',
        headers: { ...signed(secret, body, now - age), 'idempotency-key': 'k-1' },
        body,
      });
    };
    const first = await send('transfer 10', 0);
    expect(first.status).toBe(202);
    const other = await send('transfer 10000', 1);
    expect(other.status).toBe(422);
    const error = ((await other.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await runCount()).toBe(1);
    // The same body under the same key is still the same run.
    const again = await send('transfer 10', 2);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('webhook rate limits come after authentication', () => {
  it("a stranger's unsigned calls do not lock out the valid caller", async () => {
    const secret = await createHook({ rateLimitPerMinute: 5 });
    const stranger = [];
    for (let i = 0; i < 8; i++) {
      const response = await rawRequest(h.url, {
        method: 'POST',
        target: '/hooks/ask',
        headers: { 'content-type': 'application/json' },
        body: '{"question":"x"}',
        localAddress: '127.0.0.2',
      });
      stranger.push(response.status);
    }
    const body = JSON.stringify({ question: 'valid' });
    const valid = await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers: signed(secret, body), body });
    expect(valid.status).toBe(202);
    expect(stranger).toEqual(Array(8).fill(401));
  });

  it('failed calls are limited per client address, with Retry-After', async () => {
    const secret = await createHook({});
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i <= WEBHOOK_FAILURES_PER_MINUTE; i++) {
      const body = JSON.stringify({ question: `bad ${i}` });
      const response = await rawRequest(h.url, {
        method: 'POST',
        target: '/hooks/ask',
        headers: signed('whsec_wrong', body),
        body,
        localAddress: '127.0.0.3',
      });
      statuses.push(response.status);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses.slice(0, WEBHOOK_FAILURES_PER_MINUTE).every((s) => s === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another address is not affected.
    const body = JSON.stringify({ question: 'valid' });
    const valid = await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers: signed(secret, body), body });
    expect(valid.status).toBe(202);
  });
});
