// /api/users and /api/keys: local users with their role per project and table access, and the
// API keys that act as them. Admins only (the route permission table says users.manage). A key
// is shown once, when it is created; passwords never come back. Each change is an audit entry
// naming the user or key, never a password or key.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RunAccessSchema } from '../../../engine/actor.ts';
import { ROLES } from '../../../engine/store/user-records.ts';
import { userChangeDetail } from '../../audit/user-change.ts';
import { auditActor } from '../audit-actor.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';

const UserParams = z.object({ name: z.string().min(1).max(64) });
const Project = z.string().min(1).max(64).optional();

export function registerUserRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { users, apiKeys } = context;

  routes.add(app, {
    method: 'GET',
    url: '/api/users',
    tag: 'users',
    summary: 'Users with their role per project, table access and whether they are disabled',
    handler: async () => ({ users: await users.list() }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/users',
    tag: 'users',
    summary: 'Add a user with a role in a project (default project "default"); the password is optional',
    body: z
      .object({
        name: z.string().min(1).max(64),
        role: z.enum(ROLES),
        project: Project,
        password: z.string().min(1).max(1024).optional(),
      })
      .strict(),
    responses: { 201: 'Added', 400: 'Bad name, project or password', 409: 'The name is taken' },
    handler: async ({ body }, request, reply) => {
      const user = await context.audit.around(
        { kind: 'user.add', actor: auditActor(request), target: body.name },
        () => users.add(body),
        () => ({
          detail: {
            role: body.role,
            project: body.project ?? 'default',
            password: body.password !== undefined,
          },
        }),
      );
      return reply.status(201).send({ user });
    },
  });

  routes.add(app, {
    method: 'PATCH',
    url: '/api/users/:name',
    tag: 'users',
    summary:
      "Change a user's role in a project (null removes it), disable or enable them, set their password or table access",
    params: UserParams,
    body: z
      .object({
        role: z.enum(ROLES).nullable().optional(),
        project: z.string().min(1).max(64).optional(),
        disabled: z.boolean().optional(),
        password: z.string().min(1).max(1024).optional(),
        access: RunAccessSchema.nullable().optional(),
        /** Table limits of the user's role in `project` (null lifts them). */
        roleAccess: RunAccessSchema.nullable().optional(),
      })
      .strict(),
    responses: { 200: 'Changed', 404: 'No such user' },
    handler: async ({ params, body }, request) => {
      const user = await context.audit.around(
        {
          kind: 'user.update',
          actor: auditActor(request),
          target: params.name,
          detail: userChangeDetail(body),
        },
        () => users.update(params.name, body),
      );
      return { user };
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/users/:name',
    tag: 'users',
    summary: 'Remove a user with their roles and API keys',
    params: UserParams,
    responses: { 204: 'Removed', 404: 'No such user' },
    handler: async ({ params }, request, reply) => {
      await context.audit.around(
        { kind: 'user.remove', actor: auditActor(request), target: params.name },
        () => users.remove(params.name),
      );
      return reply.status(204).send();
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/keys',
    tag: 'users',
    summary: 'API keys: id, name, prefix, user, last use, revocation',
    handler: async () => ({ keys: await apiKeys.list() }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/keys',
    tag: 'users',
    summary: 'Create an API key acting as a user; the key is in this answer only',
    body: z.object({ name: z.string().min(1).max(200), user: z.string().min(1).max(64) }).strict(),
    responses: { 201: 'Created', 404: 'No such user' },
    handler: async ({ body }, request, reply) => {
      const { key, info } = await context.audit.around(
        { kind: 'key.create', actor: auditActor(request), target: null, detail: { user: body.user } },
        async () => apiKeys.create(body.name, (await users.get(body.user)).id),
        ({ info }) => ({ detail: { id: info.id, name: info.name } }),
      );
      return reply.status(201).send({ key, info });
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/keys/:id',
    tag: 'users',
    summary: 'Revoke an API key by id or prefix',
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: { 200: 'Revoked', 404: 'No such key' },
    handler: async ({ params }, request) => ({
      key: await context.audit.around(
        { kind: 'key.revoke', actor: auditActor(request), target: params.id },
        () => apiKeys.revoke(params.id),
      ),
    }),
  });
}
