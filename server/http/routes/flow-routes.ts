// Flows and their versions. Every save is a new immutable version and publishes it: the flow's
// webhook and schedule triggers follow the latest version.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { R1flowError } from '../../../engine/errors.ts';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import { portsOfNodes } from '../../../engine/node-ports.ts';
import { validateFlow } from '../../../engine/validate-flow.ts';
import { requestActor } from '../request-actor.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';
import { describeTriggers } from './trigger-views.ts';

const FlowParams = z.object({ id: NodeIdSchema });
const AnyBody = z.unknown();

export function registerFlowRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store, registry } = context.runtime;

  /** Saves and records it in the audit log (the flow's id and new version; never a new secret). */
  async function auditedSave(request: FastifyRequest, document: unknown, expectedId?: string) {
    const id = expectedId ?? (document as { id?: unknown } | null)?.id;
    return context.audit.around(
      {
        kind: 'flow.save',
        actor: await requestActor(context, request),
        target: typeof id === 'string' ? id : null,
      },
      () => save(document, expectedId),
      (saved) => ({ detail: { version: saved.version.version } }),
    );
  }

  /** Validates, saves a version, re-syncs triggers; returns what the API answers. */
  async function save(document: unknown, expectedId?: string) {
    const result = validateFlow(document, registry);
    if (!result.ok) {
      throw new R1flowError(
        result.issues[0]!.code,
        `the flow is invalid (${result.issues.length} problems)`,
        {
          path: result.issues[0]!.path,
          data: { issues: result.issues },
        },
      );
    }
    const flow = result.flow.document;
    if (expectedId !== undefined && flow.id !== expectedId) {
      throw new R1flowError(
        'BAD_REQUEST',
        `the document's id "${flow.id}" does not match the URL's "${expectedId}"`,
        {
          path: 'body.id',
        },
      );
    }
    await context.triggers.checkPaths(flow);
    const version = await store.saveFlow(flow);
    const secrets = await context.triggers.sync(
      version.document as typeof version.document & { version: number },
    );
    context.onTriggersChanged();
    return { flow: await store.getFlow(flow.id), version, newSecrets: secrets };
  }

  routes.add(app, {
    method: 'GET',
    url: '/api/flows',
    tag: 'flows',
    summary: 'List flows (latest version first)',
    handler: async () => ({ flows: await store.listFlows() }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/flows',
    tag: 'flows',
    summary: 'Create a flow (its first version)',
    body: AnyBody,
    responses: { 201: 'Created', 400: 'Invalid flow, with every issue', 409: 'A flow with this id exists' },
    handler: async ({ body }, request, reply) => {
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && (await store.getFlow(id))) {
        return reply.status(409).send({
          error: {
            code: 'BAD_REQUEST',
            message: `flow "${id}" exists; PUT /api/flows/${id} saves a new version`,
          },
        });
      }
      return reply.status(201).send(await auditedSave(request, body));
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/flows/validate',
    tag: 'flows',
    summary: "Validate a draft with the server's rules; also returns each node's ports",
    body: AnyBody,
    handler: async ({ body }) => {
      const result = validateFlow(body, registry);
      return { ok: result.ok, issues: result.ok ? [] : result.issues, ports: portsOfNodes(body, registry) };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id',
    tag: 'flows',
    summary: 'A flow with its latest version and triggers',
    params: FlowParams,
    handler: async ({ params }) => {
      const flow = await store.getFlow(params.id);
      const version = await store.getFlowVersion(params.id);
      if (!flow || !version) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"`);
      return { flow, version, triggers: await describeTriggers(context, params.id) };
    },
  });

  routes.add(app, {
    method: 'PUT',
    url: '/api/flows/:id',
    tag: 'flows',
    summary: 'Save a new version of a flow',
    params: FlowParams,
    body: AnyBody,
    handler: async ({ params, body }, request) => {
      if (!(await store.getFlow(params.id)))
        throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"; POST /api/flows creates one`);
      return auditedSave(request, body, params.id);
    },
  });

  routes.add(app, {
    method: 'PATCH',
    url: '/api/flows/:id',
    tag: 'flows',
    summary: 'Enable or disable a flow (its webhooks and schedules stop while disabled)',
    params: FlowParams,
    body: z.object({ enabled: z.boolean() }).strict(),
    handler: async ({ params, body }, request) => {
      const operation = {
        kind: body.enabled ? ('flow.enable' as const) : ('flow.disable' as const),
        actor: await requestActor(context, request),
        target: params.id,
      };
      return context.audit.around(operation, async () => {
        await store.setFlowEnabled(params.id, body.enabled);
        context.onTriggersChanged();
        return { flow: await store.getFlow(params.id) };
      });
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/flows/:id',
    tag: 'flows',
    summary: 'Delete a flow and its versions (its runs stay inspectable)',
    params: FlowParams,
    responses: { 204: 'Deleted' },
    handler: async ({ params }, request, reply) => {
      const operation = {
        kind: 'flow.delete' as const,
        actor: await requestActor(context, request),
        target: params.id,
      };
      await context.audit.around(operation, async () => {
        if (!(await store.deleteFlow(params.id)))
          throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"`);
        await context.triggers.removeFlow(params.id);
        context.onTriggersChanged();
      });
      return reply.status(204).send();
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/versions',
    tag: 'flows',
    summary: 'Versions of a flow, newest first',
    params: FlowParams,
    handler: async ({ params }) => {
      if (!(await store.getFlow(params.id)))
        throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"`);
      return { versions: await store.listFlowVersions(params.id) };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/versions/:v',
    tag: 'flows',
    summary: 'One version of a flow',
    params: z.object({ id: NodeIdSchema, v: z.coerce.number().int().min(1) }),
    handler: async ({ params }) => {
      const version = await store.getFlowVersion(params.id, params.v);
      if (!version) throw new R1flowError('FLOW_NOT_FOUND', `flow "${params.id}" has no version ${params.v}`);
      return { version };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/triggers',
    tag: 'triggers',
    summary: "A flow's webhooks (URL, auth, secret) and schedules (next five fire times)",
    params: FlowParams,
    handler: async ({ params }) => ({ triggers: await describeTriggers(context, params.id) }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/triggers/:id/rotate-secret',
    tag: 'triggers',
    summary: "Replace a webhook's HMAC secret or token (shown once); the old one stops working",
    params: z.object({ id: z.string().min(1) }),
    handler: async ({ params }, request) => {
      const operation = {
        kind: 'trigger.rotate-secret' as const,
        actor: await requestActor(context, request),
        target: params.id,
      };
      // The new secret goes to the caller alone; the audit entry names the trigger.
      return {
        secret: await context.audit.around(operation, () => context.triggers.rotateSecret(params.id)),
      };
    },
  });

  routes.add(app, {
    method: 'PATCH',
    url: '/api/triggers/:id',
    tag: 'triggers',
    summary: 'Switch a trigger on or off',
    params: z.object({ id: z.string().min(1) }),
    body: z.object({ enabled: z.boolean() }).strict(),
    handler: async ({ params, body }, request) => {
      const operation = {
        kind: body.enabled ? ('trigger.enable' as const) : ('trigger.disable' as const),
        actor: await requestActor(context, request),
        target: params.id,
      };
      return context.audit.around(operation, async () => {
        if (!(await context.triggers.get(params.id)))
          throw new R1flowError('NOT_FOUND', `no trigger "${params.id}"`);
        await context.triggers.setEnabled(params.id, body.enabled);
        context.onTriggersChanged();
        return { trigger: await context.triggers.get(params.id) };
      });
    },
  });
}
