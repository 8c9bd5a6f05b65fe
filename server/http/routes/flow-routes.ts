// Flows, their draft and their versions. The editor autosaves a flow's one mutable draft; publishing
// makes the draft an immutable version (with a note, after its test set passes) that the flow's
// webhooks and schedules run. PUT /api/flows/:id and POST /api/flows keep their old meaning for
// existing clients: the document becomes the draft and is published in one step.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { R1flowError } from '../../../engine/errors.ts';
import { sameFlowContent } from '../../../engine/flow-content.ts';
import { type FlowDocument, FlowDocumentSchema, NodeIdSchema } from '../../../engine/flow-schema.ts';
import { portsOfNodes } from '../../../engine/node-ports.ts';
import { DEFAULT_PROJECT, projectOf } from '../../../engine/projects.ts';
import type { FlowSummary } from '../../../engine/store/records.ts';
import { validateFlow } from '../../../engine/validate-flow.ts';
import { DraftSaveAudit } from '../../audit/draft-save-audit.ts';
import { projectsWith } from '../../auth/project-access.ts';
import { checkedFlow, checkId } from '../../flows/checked-flow.ts';
import { type PublishResult, publishFlow } from '../../flows/publish-flow.ts';
import { auditActor } from '../audit-actor.ts';
import { requestActor } from '../auth-hook.ts';
import { callerOf, checkProject, existingFlow, flowInProject, noRoleIn } from '../project-guard.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';
import { describeTriggers } from './trigger-views.ts';

const FlowParams = z.object({ id: NodeIdSchema });
const AnyBody = z.unknown();
const PublishBody = z
  .object({
    /** Why this version: shown in the versions list. */
    note: z.string().trim().max(1000).optional(),
    /** Publish this document (it also becomes the draft); the stored draft when absent. */
    document: z.unknown().optional(),
  })
  .strict()
  .default({});

export function registerFlowRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store, registry } = context.runtime;
  const draftSaves = new DraftSaveAudit(context.audit);

  /** Who publishes or saves, as versions and drafts record it: the caller's name. */
  function actor(request: FastifyRequest): string {
    return requestActor(request).name;
  }

  /** Runs a publish and records it in the audit log (the version, whether anything changed), refusals too. */
  function audited(request: FastifyRequest, target: unknown, publish: () => Promise<PublishResult>) {
    return context.audit.around(
      {
        kind: 'flow.publish',
        actor: auditActor(request),
        target: typeof target === 'string' ? target : null,
      },
      publish,
      (result) => ({ detail: { version: result.version.version, published: result.published } }),
    );
  }

  /** Whether `document` (the draft, else the latest version) differs from the published version. */
  async function unpublishedChanges(
    flow: FlowSummary | null,
    document: FlowDocument | null,
  ): Promise<boolean> {
    if (!flow || !document) return false;
    const published =
      flow.publishedVersion === null ? null : await store.getFlowVersion(flow.id, flow.publishedVersion);
    return !published || !sameFlowContent(document, published.document);
  }

  /**
   * Refuses a save the caller may not make: of a flow in a project where they may not change
   * flows, or into one (a document naming another project moves the flow there).
   */
  async function checkSave(request: FastifyRequest, flowId: string, document: unknown): Promise<void> {
    const existing = await flowInProject(context, request, flowId);
    const named = (document as { project?: unknown } | null)?.project;
    const project = typeof named === 'string' ? named : DEFAULT_PROJECT;
    if (project === existing?.project) return;
    await checkProject(context, request, project, () => noRoleIn(request, project));
  }

  /** Refuses a trigger of a flow in a project where the caller may not change flows. */
  async function triggerInProject(request: FastifyRequest, triggerId: string): Promise<void> {
    const trigger = await context.triggers.get(triggerId);
    if (trigger) await flowInProject(context, request, trigger.flowId);
  }

  /** Saves `document` as the draft and publishes it; returns what the API answers. */
  function saveAndPublish(
    document: unknown,
    request: FastifyRequest,
    note: string | null,
    expectedId?: string,
  ) {
    return audited(request, expectedId ?? (document as { id?: unknown } | null)?.id, async () => {
      const flow = checkedFlow(document, registry, expectedId);
      await checkSave(request, flow.id, flow);
      await store.drafts.save(flow, actor(request));
      return publishFlow(context, flow, { by: actor(request), note });
    });
  }

  routes.add(app, {
    method: 'GET',
    url: '/api/flows',
    tag: 'flows',
    summary: 'List flows (latest version first) of the projects where the caller has a role',
    handler: async (_input, request) => {
      const readable = projectsWith(callerOf(request), 'flows.read');
      const flows = await store.listFlows();
      return {
        flows: readable ? flows.filter((flow) => readable.all.includes(flow.project)) : flows,
      };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/flows',
    tag: 'flows',
    summary:
      'Create a flow and publish its first version (editors save a draft instead: PUT /api/flows/:id/draft)',
    body: AnyBody,
    responses: {
      201: 'Created',
      400: 'Invalid flow, with every issue',
      409: 'A flow with this id exists',
      422: 'Its test set failed the publish gate',
    },
    handler: async ({ body }, request, reply) => {
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && (await store.getFlow(id))) {
        return reply.status(409).send({
          error: {
            code: 'BAD_REQUEST',
            message: `flow "${id}" exists; PUT /api/flows/${id}/draft saves its draft, POST /api/flows/${id}/publish publishes it`,
          },
        });
      }
      return reply.status(201).send(await saveAndPublish(body, request, null));
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
    summary:
      'A flow with its latest version (null while it has only a draft), its draft (null when it has none), whether the draft differs from the published version, and its triggers',
    params: FlowParams,
    handler: async ({ params }, request) => {
      const flow = await existingFlow(context, request, params.id);
      const version = await store.getFlowVersion(params.id);
      const draft = await store.drafts.get(params.id);
      return {
        flow,
        version,
        draft,
        unpublishedChanges: await unpublishedChanges(flow, draft?.document ?? version?.document ?? null),
        triggers: await describeTriggers(context, params.id),
      };
    },
  });

  routes.add(app, {
    method: 'PUT',
    url: '/api/flows/:id/draft',
    tag: 'flows',
    summary:
      "Save the flow's draft (creates the flow, unpublished, on first save); no version is made. Answers the draft's validation issues",
    params: FlowParams,
    body: AnyBody,
    responses: { 200: 'Saved', 400: 'Not a flow document (structure), with every issue' },
    handler: async ({ params, body }, request) => {
      await flowInProject(context, request, params.id);
      const parsed = FlowDocumentSchema.safeParse(body);
      if (!parsed.success) {
        // Params and wiring may be unfinished in a draft; its shape may not.
        const result = validateFlow(body, registry);
        const issues = result.ok ? [] : result.issues;
        throw new R1flowError('FLOW_SCHEMA_INVALID', 'the draft is not a flow document', {
          path: issues[0]?.path ?? 'body',
          data: { issues },
        });
      }
      checkId(parsed.data.id, params.id);
      await checkSave(request, params.id, parsed.data);
      const draft = await store.drafts.save(parsed.data, actor(request));
      await draftSaves.saved(auditActor(request), params.id, { nodes: parsed.data.nodes.length });
      const result = validateFlow(parsed.data, registry);
      const flow = await store.getFlow(params.id);
      return {
        flow,
        draft,
        unpublishedChanges: await unpublishedChanges(flow, draft.document),
        issues: result.ok ? [] : result.issues,
      };
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/flows/:id/draft',
    tag: 'flows',
    summary: "Discard the flow's draft (the editor then opens its latest version)",
    params: FlowParams,
    responses: { 204: 'Discarded' },
    handler: async ({ params }, request, reply) => {
      await flowInProject(context, request, params.id);
      if (!(await store.drafts.discard(params.id)))
        throw new R1flowError('FLOW_NO_DRAFT', `flow "${params.id}" has no draft`);
      return reply.status(204).send();
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/flows/:id/publish',
    tag: 'flows',
    summary:
      'Publish the draft (or the given document) as an immutable version with a note; its webhooks and schedules then run it. Nothing changes when it is the published version already',
    params: FlowParams,
    body: PublishBody,
    responses: {
      200: 'Published (published: false when nothing changed)',
      400: 'The draft is invalid, with every issue',
      404: 'No such flow, or it has no draft',
      422: 'Its test set failed the publish gate: gate.failures lists the questions; nothing was published',
    },
    handler: async ({ params, body }, request) => {
      const note = body.note ? body.note : null;
      await flowInProject(context, request, params.id);
      if (body.document !== undefined) return saveAndPublish(body.document, request, note, params.id);
      const draft = await store.drafts.get(params.id);
      if (!draft) {
        const flow = await store.getFlow(params.id);
        throw new R1flowError(
          flow ? 'FLOW_NO_DRAFT' : 'FLOW_NOT_FOUND',
          flow
            ? `flow "${params.id}" has no draft to publish; PUT /api/flows/${params.id}/draft saves one`
            : `no flow "${params.id}"`,
        );
      }
      return audited(request, params.id, () =>
        publishFlow(context, checkedFlow(draft.document, registry, params.id), { by: actor(request), note }),
      );
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/suggested-questions',
    tag: 'flows',
    summary:
      "Questions to try (the demo replay's, while the simulated model answers), for a flow that takes a question",
    params: FlowParams,
    handler: async ({ params }, request) => {
      await flowInProject(context, request, params.id);
      const version = await store.getFlowVersion(params.id);
      if (!version) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"`);
      return { questions: takesQuestion(version.document) ? (context.options.suggestedQuestions ?? []) : [] };
    },
  });

  routes.add(app, {
    method: 'PUT',
    url: '/api/flows/:id',
    tag: 'flows',
    summary:
      'Save the document as the draft and publish it (a new version only when it differs from the published one)',
    params: FlowParams,
    body: AnyBody,
    responses: {
      200: 'Saved and published',
      422: 'Its test set failed the publish gate; the draft is saved',
    },
    handler: async ({ params, body }, request) => {
      if (!(await flowInProject(context, request, params.id)))
        throw new R1flowError('FLOW_NOT_FOUND', `no flow "${params.id}"; POST /api/flows creates one`);
      return saveAndPublish(body, request, null, params.id);
    },
  });

  routes.add(app, {
    method: 'PATCH',
    url: '/api/flows/:id',
    tag: 'flows',
    summary:
      'Switch a flow on or off: while off its webhooks answer 404 FLOW_DISABLED and its schedules do not fire',
    params: FlowParams,
    body: z.object({ enabled: z.boolean() }).strict(),
    handler: async ({ params, body }, request) => {
      await flowInProject(context, request, params.id);
      const operation = {
        kind: body.enabled ? ('flow.enable' as const) : ('flow.disable' as const),
        actor: auditActor(request),
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
      await flowInProject(context, request, params.id);
      const operation = {
        kind: 'flow.delete' as const,
        actor: auditActor(request),
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
    summary: 'Versions of a flow, newest first, each with its publication (when, by whom, note) or null',
    params: FlowParams,
    handler: async ({ params }, request) => {
      await existingFlow(context, request, params.id);
      return { versions: await store.listFlowVersions(params.id) };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/versions/:v',
    tag: 'flows',
    summary: 'One version of a flow',
    params: z.object({ id: NodeIdSchema, v: z.coerce.number().int().min(1) }),
    handler: async ({ params }, request) => {
      const missing = () =>
        new R1flowError('FLOW_NOT_FOUND', `flow "${params.id}" has no version ${params.v}`);
      const version = await store.getFlowVersion(params.id, params.v);
      if (!version) throw missing();
      // A deleted flow's versions stay for its runs: the version's own project decides.
      await checkProject(context, request, projectOf(version.document), missing);
      return { version };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/flows/:id/triggers',
    tag: 'triggers',
    summary: "A flow's webhooks (URL, auth, secret) and schedules (next five fire times)",
    params: FlowParams,
    handler: async ({ params }, request) => {
      await flowInProject(context, request, params.id);
      return { triggers: await describeTriggers(context, params.id) };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/triggers/:id/rotate-secret',
    tag: 'triggers',
    summary: "Replace a webhook's HMAC secret or token (shown once); the old one stops working",
    params: z.object({ id: z.string().min(1) }),
    handler: async ({ params }, request) => {
      await triggerInProject(request, params.id);
      const operation = {
        kind: 'trigger.rotate-secret' as const,
        actor: auditActor(request),
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
      await triggerInProject(request, params.id);
      const operation = {
        kind: body.enabled ? ('trigger.enable' as const) : ('trigger.disable' as const),
        actor: auditActor(request),
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

/** Whether one of the flow's triggers has a `question` input field. */
function takesQuestion(document: FlowDocument): boolean {
  return document.nodes.some((node) => {
    const fields = (node.params as { fields?: unknown } | undefined)?.fields;
    return (
      node.type.startsWith('trigger.') &&
      Array.isArray(fields) &&
      fields.some((field) => (field as { name?: unknown } | null)?.name === 'question')
    );
  });
}
