// /api/connections: the named connections nodes use. A URL goes in once (POST) and never comes
// back out: listings and test results show the address without its password, to admins only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CONNECTION_KINDS, CONNECTION_NAME } from '../../../engine/connections.ts';
import { scopeOf } from '../../auth/permissions.ts';
import type { ConnectionView } from '../../connections/connections.ts';
import { auditActor } from '../audit-actor.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';

const ConnectionParams = z.object({ name: z.string().regex(CONNECTION_NAME, 'not a connection name') });

export function registerConnectionRoutes(
  app: FastifyInstance,
  routes: RouteTable,
  context: ServerContext,
): void {
  const { connections } = context.runtime;

  routes.add(app, {
    method: 'GET',
    url: '/api/connections',
    tag: 'connections',
    summary: 'List named connections: name, kind, last test, and for admins the address without password',
    handler: async (_input, request) => ({
      connections: (await connections.list()).map((c) => shown(request, c)),
    }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/connections',
    tag: 'connections',
    summary:
      'Add a named connection; the URL is sealed and never returned. The kind follows from the URL when absent; file paths lie in the data directory',
    body: z
      .object({
        name: z.string().min(1).max(200),
        url: z.string().min(1).max(4096),
        kind: z.enum(CONNECTION_KINDS).optional(),
        replace: z.boolean().optional(),
      })
      .strict(),
    responses: { 201: 'Added', 400: 'Bad name or URL for the kind', 409: 'The name is taken' },
    handler: async ({ body }, request, reply) => {
      // The entry names the connection and its kind, never the URL (it may hold a password).
      const added = await context.audit.around(
        { kind: 'connection.add', actor: auditActor(request), target: body.name },
        () => connections.add(body),
        (connection) => ({ detail: { kind: connection.kind, replace: body.replace === true } }),
      );
      reply.status(201);
      return { connection: added };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/connections/:name/test',
    tag: 'connections',
    summary: 'Try a connection and remember the outcome (ok, or the error naming the connection)',
    params: ConnectionParams,
    responses: { 200: 'Tested: see lastTest.ok', 404: 'No such connection' },
    handler: async ({ params }, request) => {
      const operation = { kind: 'connection.test' as const, actor: auditActor(request), target: params.name };
      const tested = await context.audit.around(
        operation,
        () => connections.test(params.name),
        ({ lastTest }) => (lastTest.ok ? {} : { outcome: 'error', reason: lastTest.message }),
      );
      return { connection: shown(request, tested) };
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/connections/:name',
    tag: 'connections',
    summary: 'Remove a named connection',
    params: ConnectionParams,
    responses: { 204: 'Removed', 404: 'No such connection' },
    handler: async ({ params }, request, reply) => {
      const operation = {
        kind: 'connection.remove' as const,
        actor: auditActor(request),
        target: params.name,
      };
      await context.audit.around(operation, () => connections.remove(params.name));
      return reply.status(204).send();
    },
  });
}

/** Editors work with connections by name: the address (host, user, database) stays with admins. */
function shown(
  request: FastifyRequest,
  view: ConnectionView,
): ConnectionView | Omit<ConnectionView, 'address'> {
  const role = request.principal?.role;
  if (role !== undefined && scopeOf(role, 'connections.write') !== null) return view;
  const { address: _address, ...byName } = view;
  return byName;
}
