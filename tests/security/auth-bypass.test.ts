// Authentication is decided on the route fastify matched, not on the raw request-target: encoded,
// dotted, doubled or absolute-form targets reach the same handlers and must meet the same check.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flowOf } from '../support/engine-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';
import { rawRequest } from './raw-http.ts';

let h: ServerHarness;
let key: string;
let secret: string;

const hookFlow = flowOf(
  {
    hook: ['trigger.webhook', { path: 'ask', fields: [{ name: 'question' }] }],
    out: ['output.answer'],
  },
  ['hook.payload->out.value'],
  'ask-webhook',
);

beforeEach(async () => {
  h = await startTestServer({ requireKey: true });
  key = (await h.server.context.apiKeys.create('admin')).key;
  const created = await h.api('/api/flows', { method: 'POST', json: hookFlow, key });
  expect(created.status).toBe(201);
  secret = created.body.newSecrets[0].secret;
});
afterEach(async () => {
  await h.close();
});

const flowCount = async () => (await h.runtime.store.listFlows()).length;

describe('authentication is decided on the matched route', () => {
  it('GET /%61pi/flows/ask-webhook/triggers without a key is 401 and shows no secret', async () => {
    const response = await rawRequest(h.url, { target: '/%61pi/flows/ask-webhook/triggers' });
    expect(response.body).not.toContain(secret);
    expect(response.status).toBe(401);
  });

  it('an absolute-form request-target is refused with 400', async () => {
    const response = await rawRequest(h.url, { target: 'http://x/api/flows' });
    expect(response.body).not.toContain('ask-webhook');
    expect(response.status).toBe(400);
    const hook = await rawRequest(h.url, { method: 'POST', target: `${h.url}/hooks/ask`, body: '{}' });
    expect(hook.status).toBe(400);
  });

  it('/%6detrics needs the key like /metrics', async () => {
    const response = await rawRequest(h.url, { target: '/%6detrics' });
    expect(response.body).not.toContain('r1flow_runs');
    expect(response.status).toBe(401);
  });

  it('POST /%61pi/flows without a key is 401 and creates nothing; runs cannot start either', async () => {
    const other = JSON.stringify({ ...hookFlow, id: 'planted', nodes: hookFlow.nodes.slice(1), edges: [] });
    const created = await rawRequest(h.url, {
      method: 'POST',
      target: '/%61pi/flows',
      headers: { 'content-type': 'application/json' },
      body: other,
    });
    expect(created.status).toBe(401);
    expect(await flowCount()).toBe(1);
    const run = await rawRequest(h.url, {
      method: 'POST',
      target: '/%61pi/flows/ask-webhook/runs',
      headers: { 'content-type': 'application/json' },
      body: '{"input":{"question":"x"}}',
    });
    expect(run.status).toBe(401);
    expect(await h.runtime.store.listRuns({ limit: 10 })).toEqual([]);
  });

  it.each([
    '/%61pi/flows',
    '/%61%70%69/flows',
    '/api/%66lows',
    '/api/flows/ask-webhook/%74riggers',
    '/%61pi/runs',
    '/%61pi/openapi.json',
    '/%61pi/events',
  ])('GET %s without a key is 401', async (target) => {
    const response = await rawRequest(h.url, { target });
    expect(response.status).toBe(401);
    expect(response.body).not.toContain('ask-webhook');
  });

  it.each([
    '//api/flows',
    '///api/flows/ask-webhook/triggers',
    '/API/flows',
    '/Api/flows/ask-webhook/triggers',
    '/x/../api/flows',
    '/x/%2e%2e/api/flows',
    '/hooks/../api/flows',
    '/api/flows/./ask-webhook/triggers',
    '/%2561pi/flows',
    '/api%2fflows',
  ])('GET %s without a key reveals nothing', async (target) => {
    const response = await rawRequest(h.url, { target });
    expect(response.body).not.toContain(secret);
    expect(response.body).not.toContain('"flows"');
    expect(response.body).not.toContain('"triggers"');
    expect([200, 400, 401, 404]).toContain(response.status);
  });

  it('HEAD of a keyed route is 401; OPTIONS of an API path is 404', async () => {
    expect((await rawRequest(h.url, { method: 'HEAD', target: '/api/flows' })).status).toBe(401);
    expect((await rawRequest(h.url, { method: 'HEAD', target: '/%61pi/flows' })).status).toBe(401);
    expect((await rawRequest(h.url, { method: 'HEAD', target: '/metrics' })).status).toBe(401);
    // HEAD routes carry their GET route's access: public stays public.
    expect((await rawRequest(h.url, { method: 'HEAD', target: '/healthz' })).status).toBe(200);
    const options = await rawRequest(h.url, { method: 'OPTIONS', target: '/api/flows' });
    expect(options.status).toBe(404);
    expect(options.body).not.toContain('ask-webhook');
  });

  it('the OpenAPI document needs the key; health, login state, webhooks and the editor do not', async () => {
    expect((await h.api('/api/openapi.json')).status).toBe(401);
    expect((await h.api('/api/openapi.json', { key })).status).toBe(200);
    expect((await h.api('/healthz')).status).toBe(200);
    expect((await h.api('/api/session')).status).toBe(200);
    expect((await h.api('/')).status).toBe(200);
    // Reaches the webhook's own check (401 for a missing signature), not the API key check.
    const hook = await h.api('/hooks/ask', { method: 'POST', json: { question: 'x' } });
    expect(hook.status).toBe(401);
    expect(hook.body.error.message).toContain('X-R1flow-Signature');
  });

  it('a malformed cookie is treated as no session (401), not a server error', async () => {
    const response = await h.api('/api/flows', { headers: { cookie: 'other=%E0%A4%A; r1flow_session=%ZZ' } });
    expect(response.status).toBe(401);
  });

  it('the OpenAPI document marks only the sign-in routes as needing no key', async () => {
    const document = (await h.api('/api/openapi.json', { key })).body;
    const open: string[] = [];
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if ((operation as { security?: unknown[] }).security?.length === 0) open.push(`${method} ${path}`);
      }
    }
    expect(open.sort()).toEqual(['delete /api/session', 'get /api/session', 'post /api/session']);
  });

  it('every route the server registers except the public ones needs the key', async () => {
    const open = new Set(['GET /api/session', 'POST /api/session', 'DELETE /api/session']);
    for (const route of h.server.routes) {
      if (open.has(`${route.method} ${route.url}`)) continue;
      const target = route.url.replace(/:(\w+)/g, 'ask-webhook');
      const response = await rawRequest(h.url, {
        method: route.method,
        target,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(`${route.method} ${target} ${response.status}`).toBe(`${route.method} ${target} 401`);
    }
  });
});
