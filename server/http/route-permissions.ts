// Every route the server answers, with the permission it needs: the one table access is decided
// from. The auth hook reads the matched route's entry (fastify's `config`), never the raw URL.
// A route missing here cannot be registered (createServer checks every route), so nothing is
// reachable by default.
import { R1flowError } from '../../engine/errors.ts';
import type { Permission } from '../auth/permissions.ts';

/** A permission, or who may call without one: anyone, or a webhook caller (checked by the hook). */
export type RouteRule = Permission | 'public' | 'webhook';

export const ROUTE_PERMISSIONS: Readonly<Record<string, RouteRule>> = {
  'GET /api/flows': 'flows.read',
  'POST /api/flows': 'flows.write',
  'POST /api/flows/validate': 'flows.read',
  'GET /api/flows/:id': 'flows.read',
  'PUT /api/flows/:id': 'flows.write',
  'PUT /api/flows/:id/draft': 'flows.write',
  'DELETE /api/flows/:id/draft': 'flows.write',
  'POST /api/flows/:id/publish': 'flows.write',
  'PATCH /api/flows/:id': 'flows.write',
  'DELETE /api/flows/:id': 'flows.write',
  'GET /api/flows/:id/versions': 'flows.read',
  'GET /api/flows/:id/versions/:v': 'flows.read',
  'GET /api/flows/:id/triggers': 'flows.read',
  'POST /api/triggers/:id/rotate-secret': 'flows.write',
  'PATCH /api/triggers/:id': 'flows.write',
  'GET /api/flows/:id/pins': 'flows.read',
  'GET /api/flows/:id/suggested-questions': 'flows.read',
  'PUT /api/flows/:id/pins/:nodeId': 'flows.write',
  'DELETE /api/flows/:id/pins/:nodeId': 'flows.write',
  'POST /api/flows/:id/runs': 'runs.start',
  'GET /api/runs': 'runs.read',
  'GET /api/runs/:id': 'runs.read',
  'GET /api/runs/:id/answer.csv': 'runs.read',
  'POST /api/runs/:id/cancel': 'runs.start',
  'POST /api/runs/:id/rerun': 'runs.start',
  'GET /api/runs/:id/events': 'runs.read',
  'GET /api/events': 'runs.read',
  'POST /api/runs/:id/feedback': 'feedback.write',
  'GET /api/feedback': 'feedback.review',
  'POST /api/feedback/:id/review': 'feedback.review',
  'GET /api/examples': 'feedback.review',
  'DELETE /api/examples/:id': 'feedback.review',
  'GET /api/feedback/export.jsonl': 'feedback.review',
  'GET /api/connections': 'connections.read',
  'POST /api/connections': 'connections.write',
  'POST /api/connections/:name/test': 'connections.test',
  'DELETE /api/connections/:name': 'connections.write',
  'GET /api/users': 'users.manage',
  'POST /api/users': 'users.manage',
  'PATCH /api/users/:name': 'users.manage',
  'DELETE /api/users/:name': 'users.manage',
  'GET /api/keys': 'users.manage',
  'POST /api/keys': 'users.manage',
  'DELETE /api/keys/:id': 'users.manage',
  'GET /api/audit': 'audit.read',
  'GET /api/audit.csv': 'audit.read',
  'GET /api/nodes': 'flows.read',
  'GET /api/openapi.json': 'flows.read',
  'GET /api/session': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
  'GET /healthz': 'public',
  'GET /metrics': 'system.read',
  'POST /hooks/*': 'webhook',
  // The editor's files; API and hook paths never fall back to them.
  'GET /*': 'public',
};

/** The rule of a route as registered (`GET /api/runs/:id`); HEAD follows its GET. */
export function routeRule(method: string, url: string): RouteRule {
  const rule = ROUTE_PERMISSIONS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  if (rule === undefined) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `route ${method} ${url} has no entry in the route permission table`,
    );
  }
  return rule;
}
