// Browser-borne attacks on the API: DNS rebinding (a page whose name now points at 127.0.0.1),
// cross-site posts (CSRF) including body-less ones, sign-in guessing, session cookies over
// https, and live streams that outlast a revoked key.
import { afterEach, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_MINUTE } from '../../server/http/routes/system-routes.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';
import { rawRequest } from './raw-http.ts';
import { signedHeaders } from './signed-call.ts';

let h: ServerHarness;
afterEach(async () => {
  await h.close();
});

const hookFlow = flowOf(
  {
    hook: ['trigger.webhook', { path: 'ask', fields: [{ name: 'question' }] }],
    out: ['output.answer'],
  },
  ['hook.payload->out.value'],
  'ask-webhook',
);

const port = () => new URL(h.url).port;

describe('DNS rebinding: the open API answers only loopback names', () => {
  it('a foreign Host is refused with 403; loopback names and the public URL host pass', async () => {
    h = await startTestServer({ publicUrl: 'https://r1.example.com' });
    await h.api('/api/flows', { method: 'POST', json: hookFlow });
    const as = (host: string) => rawRequest(h.url, { target: '/api/flows', headers: { host } });
    const rebound = await as(`attacker.example:${port()}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('ask-webhook');
    expect(JSON.parse(rebound.body).error.code).toBe('HOST_NOT_ALLOWED');
    expect((await as(`127.0.0.1:${port()}`)).status).toBe(200);
    expect((await as(`localhost:${port()}`)).status).toBe(200);
    expect((await as(`[::1]:${port()}`)).status).toBe(200);
    expect((await as('r1.example.com')).status).toBe(200);
    expect((await as('127.0.0.1.attacker.example')).status).toBe(403);
  });

  it('with a key required the Host is not checked (the key is the defence)', async () => {
    h = await startTestServer({ requireKey: true });
    const { key } = await h.server.context.apiKeys.create('ci');
    const response = await rawRequest(h.url, {
      target: '/api/flows',
      headers: { host: 'r1.internal:3000', authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('CSRF: state changes need this server as their Origin', () => {
  it('a cross-site POST /api/flows is 403 and creates nothing', async () => {
    h = await startTestServer();
    const response = await h.api('/api/flows', {
      method: 'POST',
      json: hookFlow,
      headers: { origin: 'http://attacker.example' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(await h.runtime.store.listFlows()).toEqual([]);
  });

  it('body-less POSTs (rotate-secret, cancel, rerun) from another origin are 403 and change nothing', async () => {
    h = await startTestServer();
    const created = await h.api('/api/flows', { method: 'POST', json: hookFlow });
    const { triggerId, secret } = created.body.newSecrets[0];
    const evil = { origin: 'http://attacker.example' };
    const rotate = await h.api(`/api/triggers/${triggerId}/rotate-secret`, { method: 'POST', headers: evil });
    expect(rotate.status).toBe(403);
    expect(await h.server.context.triggers.hmacSecret(triggerId)).toBe(secret);

    const started = await h.api('/api/flows/ask-webhook/runs?wait=10s', {
      method: 'POST',
      json: { input: { question: 'x' } },
    });
    const runId = started.body.run.id;
    expect((await h.api(`/api/runs/${runId}/rerun`, { method: 'POST', headers: evil })).status).toBe(403);
    expect((await h.api(`/api/runs/${runId}/cancel`, { method: 'POST', headers: evil })).status).toBe(403);
    expect((await h.api('/api/flows/ask-webhook', { method: 'DELETE', headers: evil })).status).toBe(403);
    expect((await h.api('/api/runs', { headers: evil })).body.runs).toHaveLength(1);
    // A sandboxed frame or file: page sends "null".
    const nullOrigin = await h.api(`/api/triggers/${triggerId}/rotate-secret`, {
      method: 'POST',
      headers: { origin: 'null' },
    });
    expect(nullOrigin.status).toBe(403);
  });

  it("the server's own pages, clients without Origin and webhook callers pass", async () => {
    h = await startTestServer();
    const own = await h.api('/api/flows', { method: 'POST', json: hookFlow, headers: { origin: h.url } });
    expect(own.status).toBe(201);
    const secret = own.body.newSecrets[0].secret;
    const rotated = await h.api(`/api/triggers/${own.body.newSecrets[0].triggerId}/rotate-secret`, {
      method: 'POST',
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret.secret).not.toBe(secret);
    const body = '{"question":"x"}';
    const hook = await fetch(`${h.url}/hooks/ask`, {
      method: 'POST',
      headers: { origin: 'https://partner.example', ...signedHeaders(rotated.body.secret.secret, body) },
      body,
    });
    expect(hook.status).toBe(202);
  });
});

describe('sign-in and session cookies', () => {
  it('failed sign-ins are throttled per address with 429 and Retry-After, even for a valid key', async () => {
    h = await startTestServer({ requireKey: true });
    const { key } = await h.server.context.apiKeys.create('editor');
    const login = (apiKey: string, localAddress: string) =>
      rawRequest(h.url, {
        method: 'POST',
        target: '/api/session',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey }),
        localAddress,
      });
    for (let i = 0; i < LOGIN_FAILURES_PER_MINUTE; i++) {
      expect((await login(`r1f_guess${i}`, '127.0.0.4')).status).toBe(403);
    }
    const throttled = await login(key, '127.0.0.4');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.headers['set-cookie']).toBeUndefined();
    expect((await login(key, '127.0.0.5')).status).toBe(200);
  });

  it('the session cookie is Secure behind https (public URL, or a trusted proxy saying so)', async () => {
    h = await startTestServer({ requireKey: true, publicUrl: 'https://r1.example.com' });
    const { key } = await h.server.context.apiKeys.create('editor');
    const viaPublic = await h.api('/api/session', { method: 'POST', json: { apiKey: key } });
    expect(viaPublic.headers.get('set-cookie')).toMatch(/; Secure$/);
    await h.close();

    h = await startTestServer({ requireKey: true, trustProxy: '127.0.0.1' });
    const second = (await h.server.context.apiKeys.create('editor')).key;
    const behindProxy = await h.api('/api/session', {
      method: 'POST',
      json: { apiKey: second },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(behindProxy.headers.get('set-cookie')).toMatch(/; Secure$/);
    await h.close();

    // Without a trusted proxy, X-Forwarded-Proto is anyone's word and is ignored.
    h = await startTestServer({ requireKey: true });
    const third = (await h.server.context.apiKeys.create('editor')).key;
    const plain = await h.api('/api/session', {
      method: 'POST',
      json: { apiKey: third },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });
});

describe('live streams', () => {
  it.each(['key', 'session'])('an SSE stream opened with a %s ends when its key is revoked', async (how) => {
    h = await startTestServer({ requireKey: true });
    const { key, info } = await h.server.context.apiKeys.create('watcher');
    let headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (how === 'session') {
      const login = await h.api('/api/session', { method: 'POST', json: { apiKey: key } });
      headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]! };
    }
    const response = await fetch(`${h.url}/api/events`, { headers });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    let ended = false;
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
        ended = true;
      } catch {
        // the server closed the socket at teardown without ending the stream
      }
    })();
    await waitFor(() => text.includes('retry:'), 10_000, 'the stream to open');
    await h.server.context.apiKeys.revoke(info.id);
    await waitFor(() => ended, 10_000, 'the stream to end after the revoke');
    expect(text).toContain('event: error');
  });
});
