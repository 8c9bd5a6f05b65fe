// Runs: start (optionally waiting for the answer), list, inspect with node runs and attempts,
// download its answer as CSV, cancel, re-run (optionally from a node, reusing upstream outputs), and live events over SSE.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { combineAccess } from '../../../engine/actor.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import { DEFAULT_PROJECT } from '../../../engine/projects.ts';
import { draftVersion } from '../../flows/draft-version.ts';
import { answerToCsv, runAnswer } from '../answer-csv.ts';
import { requestActor } from '../auth-hook.ts';
import { flowInProject } from '../project-guard.ts';
import { DurationSchema, type RouteTable } from '../route.ts';
import { visibleRun, visibleRuns } from '../run-visibility.ts';
import type { ServerContext } from '../server-context.ts';
import { streamRunEvents } from '../sse.ts';

const RunId = z.string().min(1).max(64);
const RunParams = z.object({ id: RunId });
const StatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export function registerRunRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store, orchestrator } = context.runtime;

  /** API runs take the published version; a flow never published, its latest. */
  async function defaultVersion(flowId: string): Promise<number | undefined> {
    return (await store.getFlow(flowId))?.publishedVersion ?? undefined;
  }

  routes.add(app, {
    method: 'POST',
    url: '/api/flows/:id/runs',
    tag: 'runs',
    summary:
      'Start a run (a follow-up with threadId or followUpOf); with ?wait=30s answer with the finished run when it is done in time',
    params: z.object({ id: NodeIdSchema }),
    query: z.object({ wait: DurationSchema.optional() }),
    body: z
      .object({
        input: z.unknown().optional(),
        version: z.number().int().min(1).optional(),
        /** Run the flow's draft (kept as an unpublished version; the latest version when it has none) instead of its published version. */
        draft: z.boolean().optional(),
        threadId: RunId.optional(),
        followUpOf: RunId.optional(),
        /** The editor's Run tab says so: its runs are started by hand, not by an app. */
        source: z.literal('editor').optional(),
        /** Take the flow's pinned node outputs (the editor's runs); off unless asked. */
        usePins: z.boolean().optional(),
      })
      .strict()
      .default({}),
    responses: {
      201: 'Started (or 200: finished within ?wait)',
      400: 'Input does not fit the trigger',
      404: 'No such flow, thread or run to follow up',
      409: 'The thread belongs to another flow',
    },
    handler: async ({ params, query, body }, request, reply) => {
      const flow = await flowInProject(context, request, params.id);
      if (body.draft && body.version !== undefined) {
        throw new R1flowError('BAD_REQUEST', 'give either version or draft, not both', {
          path: 'body.draft',
        });
      }
      const version = body.draft
        ? await draftVersion(context, params.id)
        : (body.version ?? (await defaultVersion(params.id)));
      const run = await orchestrator.startRun({
        flowId: params.id,
        input: body.input ?? {},
        ...(version === undefined ? {} : { version }),
        ...(body.threadId === undefined ? {} : { threadId: body.threadId }),
        ...(body.followUpOf === undefined ? {} : { followUpOf: body.followUpOf }),
        ...(body.usePins ? { usePins: true } : {}),
        trigger: {
          kind: body.source === 'editor' ? 'manual' : 'api',
          detail: {
            ...(body.source === 'editor' ? { source: 'editor' } : {}),
            ip: request.ip,
            ...(body.draft ? { draft: true } : {}),
          },
        },
        ...runCaller(request, flow?.project ?? DEFAULT_PROJECT),
      });
      if (query.wait === undefined) return reply.status(201).send({ run });
      const { run: finished, timedOut } = await orchestrator.waitForRun(run.id, query.wait);
      return reply.status(timedOut ? 202 : 200).send({ run: finished, timedOut });
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/runs',
    tag: 'runs',
    summary: 'Runs, newest first, by flow, status and thread',
    query: z.object({
      flow: NodeIdSchema.optional(),
      status: StatusSchema.optional(),
      threadId: RunId.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    handler: async ({ query }, request) => {
      const visibleTo = visibleRuns(request);
      return {
        runs: await store.listRuns({
          ...(visibleTo === undefined ? {} : { visibleTo }),
          ...(query.flow ? { flowId: query.flow } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.threadId ? { threadId: query.threadId } : {}),
          limit: query.limit,
          offset: query.offset,
        }),
      };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/runs/:id',
    tag: 'runs',
    summary:
      "A run with every node's input, output, error, attempts, timings and cost, and the run's total cost",
    params: RunParams,
    handler: async ({ params }, request) => {
      const stored = found(await store.getRun(params.id), params.id);
      await visibleRun(context, request, stored.run, params.id);
      return { ...stored, attempts: await store.listAttempts(params.id) };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/runs/:id/answer.csv',
    tag: 'runs',
    summary: "The run's answer rows as CSV (header row from the column names)",
    params: RunParams,
    responses: { 200: 'text/csv', 409: 'The run has no answer (not finished, failed or abstained)' },
    handler: async ({ params }, request, reply) => {
      const run = await visibleRun(context, request, await store.getRunRecord(params.id), params.id);
      const csv = answerToCsv(runAnswer(run));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${run.id}.csv"`)
        .send(csv);
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/runs/:id/cancel',
    tag: 'runs',
    summary: 'Cancel a queued or running run',
    params: RunParams,
    responses: { 202: 'Cancel requested or done', 409: 'The run already finished' },
    handler: async ({ params }, request, reply) => {
      await visibleRun(context, request, await store.getRunRecord(params.id), params.id);
      await orchestrator.cancelRun(params.id);
      const { run } = await orchestrator.waitForRun(params.id, 2000);
      return reply.status(202).send({ run });
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/runs/:id/rerun',
    tag: 'runs',
    summary: 'Run again with the same input and flow version; fromNode reuses the outputs upstream of it',
    params: RunParams,
    body: z
      .object({ fromNode: NodeIdSchema.optional(), usePins: z.boolean().optional() })
      .strict()
      .default({}),
    responses: { 201: 'Started' },
    handler: async ({ params, body }, request, reply) => {
      const previous = found(await store.getRun(params.id), params.id);
      await visibleRun(context, request, previous.run, params.id);
      const run = await orchestrator.startRun({
        flowId: previous.run.flowId,
        rerun: { runId: params.id, ...(body.fromNode ? { fromNode: body.fromNode } : {}) },
        ...runCaller(request, previous.run.project),
        ...(body.usePins ? { usePins: true } : {}),
      });
      return reply.status(201).send({ run });
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/runs/:id/events',
    tag: 'runs',
    summary: 'Server-Sent Events of every state change of a run; resumable with Last-Event-ID',
    params: RunParams,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    handler: async ({ params, query }, request, reply) => {
      // The record alone: the stream reads the events itself.
      await visibleRun(context, request, await store.getRunRecord(params.id), params.id);
      await streamRunEvents(context, request, reply, {
        runId: params.id,
        ...(query.after === undefined ? {} : { after: query.after }),
      });
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/events',
    tag: 'runs',
    summary: 'Server-Sent Events of every run (the editor keeps its run lists live with it)',
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    handler: async ({ query }, request, reply) => {
      const visibleTo = visibleRuns(request);
      if (visibleTo && visibleTo.projects.length === 0) {
        throw new R1flowError(
          'PERMISSION_DENIED',
          'this role sees only its own runs: follow each at /api/runs/:id/events',
        );
      }
      await streamRunEvents(context, request, reply, {
        ...(query.after === undefined ? {} : { after: query.after }),
        // Own runs in a runner's projects are followed one by one, as above.
        ...(visibleTo ? { projects: visibleTo.projects } : {}),
      });
    },
  });
}

/**
 * Who starts a run from this request and the table access it runs with: the caller's own limits
 * and those of their role in the run's project, both at once.
 */
function runCaller(request: FastifyRequest, project: string) {
  const principal = request.principal;
  return {
    startedBy: requestActor(request),
    access: combineAccess(principal?.access, principal?.projectAccess[project]),
  };
}

/** The stored run, or RUN_NOT_FOUND (404) naming the id. */
function found<T>(run: T | null, runId: string): T {
  if (run === null) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  return run;
}
