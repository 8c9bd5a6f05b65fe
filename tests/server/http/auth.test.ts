import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer({ requireKey: true });
});
afterEach(async () => {
  await h.close();
});

describe('API keys', () => {
  it('a request without a key is refused with 401 and a JSON body', async () => {
    const response = await h.api('/api/flows');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_REQUIRED');
    expect(response.body.error.message).toContain('r1flow keys create');
  });

  it('a wrong or revoked key is refused with 403; a valid one passes', async () => {
    const { key, info } = await h.server.context.apiKeys.create('ci');
    expect((await h.api('/api/flows', { key: 'r1f_wrong' })).status).toBe(403);
    expect((await h.api('/api/flows', { key })).status).toBe(200);
    expect((await h.api('/api/flows', { headers: { 'x-api-key': key } })).status).toBe(200);
    await h.server.context.apiKeys.revoke(info.id);
    const revoked = await h.api('/api/flows', { key });
    expect(revoked.status).toBe(403);
    expect(revoked.body.error.code).toBe('AUTH_FORBIDDEN');
  });

  it('keys are stored hashed, never in plain text', async () => {
    const { key } = await h.server.context.apiKeys.create('ci');
    const raw = new Database(h.storePath, { readonly: true });
    const rows = raw.prepare('SELECT * FROM api_keys').all();
    raw.close();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('the editor exchanges a key for a session cookie that also authenticates SSE', async () => {
    const { key, info } = await h.server.context.apiKeys.create('editor');
    expect((await h.api('/api/session')).body).toEqual({ keyRequired: true, signedIn: false, user: null });
    const login = await h.api('/api/session', { method: 'POST', json: { apiKey: key } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^r1flow_session=/);
    expect(cookie).not.toContain(key);
    expect((await h.api('/api/flows', { headers: { cookie } })).status).toBe(200);
    expect((await h.api('/api/session', { headers: { cookie } })).body.signedIn).toBe(true);
    await h.server.context.apiKeys.revoke(info.id);
    expect((await h.api('/api/flows', { headers: { cookie } })).status).toBe(403);
  });

  it('health stays open for probes; metrics need the key', async () => {
    expect((await h.api('/healthz')).status).toBe(200);
    expect((await h.api('/metrics')).status).toBe(401);
  });
});
