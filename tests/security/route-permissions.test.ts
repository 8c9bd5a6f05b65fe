// Every route checks a permission: each route of the one table, called with each role's key,
// answers 403 exactly when the role lacks the route's permission, and 401 without credentials
// on a server that asks for them. A route missing from the table cannot be registered. A role
// counts in its project only: every route on one flow, run, trigger or feedback of project `hr`
// answers a role in project `sales` 404, as for something that does not exist (403 where the
// role lacks the permission anywhere).
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../engine/store/user-records.ts';
import { type Permission, PROJECT_PERMISSIONS, scopeOf } from '../../server/auth/permissions.ts';
import { ROUTE_PERMISSIONS, routeRule } from '../../server/http/route-permissions.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';

const ROLE_LIST: Role[] = ['admin', 'editor', 'runner', 'viewer'];
let h: ServerHarness;
const keys = {} as Record<Role, string>;
/** Each role held in project `sales` only. */
const salesKeys = {} as Record<Role, string>;
/** Ids of things in project `hr`, where the `sales` users have no role. */
const hr = { flow: 'hr-flow', run: '', trigger: '', feedback: '' };

const hrFlow = {
  ...flowOf(
    {
      hook: ['trigger.webhook', { path: 'hr-hook', fields: [{ name: 'question' }] }],
      s: ['test.step'],
      out: ['output.answer'],
    },
    ['hook.payload->s.in', 's.out->out.value'],
    hr.flow,
  ),
  project: 'hr',
};

beforeAll(async () => {
  h = await startTestServer({ requireKey: true });
  const { users, apiKeys } = h.server.context;
  for (const role of ROLE_LIST) {
    const user = await users.add({ name: `${role}-user`, role });
    keys[role] = (await apiKeys.create(`${role}-key`, user.id)).key;
    const salesUser = await users.add({ name: `sales-${role}`, role, project: 'sales' });
    salesKeys[role] = (await apiKeys.create(`sales-${role}-key`, salesUser.id)).key;
  }
  expect((await h.api('/api/flows', { method: 'POST', json: hrFlow, key: keys.admin })).status).toBe(201);
  const started = await h.api(`/api/flows/${hr.flow}/runs?wait=10s`, {
    method: 'POST',
    json: { input: { question: 'who?' } },
    key: keys.admin,
  });
  hr.run = started.body.run.id;
  hr.trigger = (await h.api(`/api/flows/${hr.flow}/triggers`, { key: keys.admin })).body.triggers[0].id;
  hr.feedback = (
    await h.runtime.store.feedback.insert({
      runId: hr.run,
      rating: 'down',
      question: 'who?',
      chosenSql: null,
      correctedSql: null,
      comment: null,
      warehouse: null,
      dialect: null,
    })
  ).id;
});
afterAll(async () => {
  await h.close();
});

/** A concrete path for a route pattern: ids that exist nowhere, so no handler changes anything. */
function pathOf(url: string): string {
  return url
    .replace(':v', '1')
    .replace(/:[a-z]+/g, 'nothing-here')
    .replace('/*', '/nothing-here');
}

/** The route's path with the ids of the `hr` project's flow, run, trigger and feedback. */
function hrPathOf(url: string): string {
  return url
    .replace('/api/flows/:id', `/api/flows/${hr.flow}`)
    .replace('/api/runs/:id', `/api/runs/${hr.run}`)
    .replace('/api/triggers/:id', `/api/triggers/${hr.trigger}`)
    .replace('/api/feedback/:id', `/api/feedback/${hr.feedback}`)
    .replace(':nodeId', 'hook')
    .replace(':v', '1');
}

/** Bodies the routes accept, so what answers is the permission check and not the body's shape. */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/flows/:id': { enabled: false },
  'PATCH /api/triggers/:id': { enabled: false },
  'PUT /api/flows/:id/pins/:nodeId': { runId: 'r' },
  'POST /api/runs/:id/feedback': { rating: 'up' },
  'POST /api/feedback/:id/review': { accept: false },
};

/** Only the status: SSE answers stream on, so the body is never read. */
async function statusOf(method: string, url: string, key?: string, path = pathOf(url)): Promise<number> {
  const controller = new AbortController();
  const bodyless = method === 'GET' || method === 'DELETE';
  const headers: Record<string, string> = bodyless ? {} : { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const body = JSON.stringify(VALID_BODIES[`${method} ${url}`] ?? {});
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers,
    signal: controller.signal,
    ...(bodyless ? {} : { body }),
  });
  controller.abort();
  return response.status;
}

const entries = Object.entries(ROUTE_PERMISSIONS).map(([route, rule]) => {
  const [method, url] = route.split(' ') as [string, string];
  return { method, url, rule };
});

describe('the route permission table', () => {
  it('lists every route the server registered (a missing one fails to register)', () => {
    const registered = h.server.routes.map((route) => `${route.method} ${route.url}`);
    for (const route of registered) expect(ROUTE_PERMISSIONS, route).toHaveProperty([route]);
    const app = Fastify();
    app.addHook('onRoute', (route) => void routeRule(String(route.method), route.url));
    expect(() => app.get('/api/unlisted', async () => 'open')).toThrow(
      /no entry in the route permission table/,
    );
  });

  for (const { method, url, rule } of entries) {
    it(`${method} ${url} (${rule})`, async () => {
      const anonymous = await statusOf(method, url);
      if (rule === 'public' || rule === 'webhook') {
        expect(anonymous).not.toBe(401);
        expect(anonymous).not.toBe(403);
        return;
      }
      expect(anonymous).toBe(401);
      for (const role of ROLE_LIST) {
        const status = await statusOf(method, url, keys[role]);
        const allowed = scopeOf(role, rule as Permission) !== null;
        // A runner reads only its own runs: the stream of every run stays closed to it.
        const ownOnlyStream = role === 'runner' && url === '/api/events';
        if (allowed && !ownOnlyStream) {
          expect([401, 403], `${role} on ${method} ${url}`).not.toContain(status);
        } else {
          expect(status, `${role} on ${method} ${url}`).toBe(403);
        }
      }
    });
  }
});

/** Routes on one flow, run, trigger or feedback: their project decides. */
const projectRoutes = entries.filter(
  ({ url, rule }) =>
    PROJECT_PERMISSIONS.has(rule as Permission) && /^\/api\/(flows|runs|triggers|feedback)\/:id/.test(url),
);

describe('a role counts in its project only', () => {
  it('covers every route on one flow, run, trigger or feedback', () => {
    expect(projectRoutes.length).toBeGreaterThan(20);
  });

  for (const { method, url, rule } of projectRoutes) {
    it(`${method} ${url}: a role in another project finds nothing`, async () => {
      for (const role of ROLE_LIST) {
        const status = await statusOf(method, url, salesKeys[role], hrPathOf(url));
        const held = scopeOf(role, rule as Permission) !== null;
        expect(status, `sales ${role} on ${method} ${url}`).toBe(held ? 404 : 403);
      }
    });
  }

  it("the hr flow and its run are still there, untouched, for the server's admin", async () => {
    const flow = await h.api(`/api/flows/${hr.flow}`, { key: keys.admin });
    expect(flow.body.flow).toMatchObject({ project: 'hr', enabled: true, publishedVersion: 1 });
    expect((await h.api(`/api/runs/${hr.run}`, { key: keys.admin })).status).toBe(200);
    expect((await h.runtime.store.feedback.get(hr.feedback))?.state).toBe('pending');
  });
});

describe('listings and changes follow the project', () => {
  const runIds = async (key: string) =>
    (await h.api('/api/runs', { key })).body.runs.map((run: { id: string }) => run.id);
  const flowIds = async (key: string) =>
    (await h.api('/api/flows', { key })).body.flows.map((flow: { id: string }) => flow.id);

  it('lists only the flows and runs of projects the caller has a role in; the admin sees all', async () => {
    expect(await flowIds(salesKeys.viewer)).not.toContain(hr.flow);
    expect(await runIds(salesKeys.viewer)).not.toContain(hr.run);
    expect(await flowIds(keys.viewer)).not.toContain(hr.flow);
    expect(await flowIds(keys.admin)).toContain(hr.flow);
    expect(await runIds(keys.admin)).toContain(hr.run);
  });

  it("a runner in hr runs hr's flow and lists only its own runs there", async () => {
    const user = await h.server.context.users.add({ name: 'hr-runner', role: 'runner', project: 'hr' });
    const key = (await h.server.context.apiKeys.create('hr-runner-key', user.id)).key;
    expect(await flowIds(key)).toEqual([hr.flow]);
    const started = await h.api(`/api/flows/${hr.flow}/runs?wait=10s`, {
      method: 'POST',
      json: { input: { question: 'mine' } },
      key,
    });
    expect(started.status).toBe(200);
    expect(started.body.run).toMatchObject({ project: 'hr', startedBy: { name: 'hr-runner' } });
    expect(await runIds(key)).toEqual([started.body.run.id]);
    expect((await h.api(`/api/runs/${hr.run}`, { key })).status).toBe(404);
  });

  it('a viewer in hr reads its runs but may not start one there, though a runner elsewhere', async () => {
    const { users, apiKeys } = h.server.context;
    await users.add({ name: 'mixed', role: 'runner', project: 'sales' });
    const mixed = await users.update('mixed', { role: 'viewer', project: 'hr' });
    const key = (await apiKeys.create('mixed-key', mixed.id)).key;
    expect((await h.api(`/api/runs/${hr.run}`, { key })).status).toBe(200);
    const refused = await h.api(`/api/flows/${hr.flow}/runs`, { method: 'POST', json: {}, key });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('mixed (viewer in project "hr") may not start runs there');
    const [denied] = await h.runtime.store.audit.list({ kind: 'access.denied', actor: mixed.id });
    expect(denied).toMatchObject({ outcome: 'refused', target: 'POST /api/flows/:id/runs' });
    expect(denied?.reason).toContain('viewer in project "hr"');
  });

  it('an editor in sales creates flows there, but not in hr, and cannot move one there', async () => {
    const key = salesKeys.editor;
    const own = { ...flowOf({ s: ['test.step'] }, [], 'sales-flow'), project: 'sales' };
    expect((await h.api('/api/flows', { method: 'POST', json: own, key })).status).toBe(201);
    const intoHr = { ...own, id: 'sneaky', project: 'hr' };
    expect((await h.api('/api/flows', { method: 'POST', json: intoHr, key })).status).toBe(403);
    const moved = await h.api('/api/flows/sales-flow/draft', {
      method: 'PUT',
      json: { ...own, project: 'hr' },
      key,
    });
    expect(moved.status).toBe(403);
    expect(moved.body.error.message).toContain('no role in project "hr"');
    expect((await h.api('/api/flows/sales-flow', { key: keys.admin })).body.flow.project).toBe('sales');
    expect(await flowIds(keys.admin)).not.toContain('sneaky');
  });
});
