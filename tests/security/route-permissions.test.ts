// Every route checks a permission: each route of the one table, called with each role's key,
// answers 403 exactly when the role lacks the route's permission, and 401 without credentials
// on a server that asks for them. A route missing from the table cannot be registered.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../engine/store/user-records.ts';
import { type Permission, scopeOf } from '../../server/auth/permissions.ts';
import { ROUTE_PERMISSIONS, routeRule } from '../../server/http/route-permissions.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';

const ROLE_LIST: Role[] = ['admin', 'editor', 'runner', 'viewer'];
let h: ServerHarness;
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  h = await startTestServer({ requireKey: true });
  for (const role of ROLE_LIST) {
    const user = await h.server.context.users.add({ name: `${role}-user`, role });
    keys[role] = (await h.server.context.apiKeys.create(`${role}-key`, user.id)).key;
  }
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

/** Only the status: SSE answers stream on, so the body is never read. */
async function statusOf(method: string, url: string, key?: string): Promise<number> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${h.url}${pathOf(url)}`, {
    method,
    headers,
    signal: controller.signal,
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
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
