// Runs: start (optionally waiting for the answer), list, inspect with node runs and attempts,
// download its answer as CSV, cancel, re-run (optionally from a node, reusing upstream outputs), and live events over SSE.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { R1flowError } from '../../../engine/errors.ts';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import { answerToCsv, runAnswer } from '../answer-csv.ts';
import { DurationSchema, type RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';
import { streamRunEvents } from '../sse.ts';

const RunId = z.string().min(1).max(64);
const RunParams = z.object({ id: RunId });
const StatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export function registerRunRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store, orchestrator } = context.runtime;

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
        threadId: RunId.optional(),
        followUpOf: RunId.optional(),
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
      const run = await orchestrator.startRun({
        flowId: params.id,
        input: body.input ?? {},
        ...(body.version === undefined ? {} : { version: body.version }),
        ...(body.threadId === undefined ? {} : { threadId: body.threadId }),
        ...(body.followUpOf === undefined ? {} : { followUpOf: body.followUpOf }),
        ...(body.usePins ? { usePins: true } : {}),
        trigger: { kind: 'api', detail: { ip: request.ip } },
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
    handler: async ({ query }) => ({
      runs: await store.listRuns({
        ...(query.flow ? { flowId: query.flow } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.threadId ? { threadId: query.threadId } : {}),
        limit: query.limit,
        offset: query.offset,
      }),
    }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/runs/:id',
    tag: 'runs',
    summary:
      "A run with every node's input, output, error, attempts, timings and cost, and the run's total cost",
    params: RunParams,
    handler: async ({ params }) => {
      const stored = found(await store.getRun(params.id), params.id);
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
    handler: async ({ params }, _request, reply) => {
      const run = found(await store.getRunRecord(params.id), params.id);
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
    handler: async ({ params }, _request, reply) => {
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
    handler: async ({ params, body }, _request, reply) => {
      const previous = found(await store.getRun(params.id), params.id);
      const run = await orchestrator.startRun({
        flowId: previous.run.flowId,
        rerun: { runId: params.id, ...(body.fromNode ? { fromNode: body.fromNode } : {}) },
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
      found(await store.getRunRecord(params.id), params.id);
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
      await streamRunEvents(context, request, reply, query.after === undefined ? {} : { after: query.after });
    },
  });
}

/** The stored run, or RUN_NOT_FOUND (404) naming the id. */
function found<T>(run: T | null, runId: string): T {
  if (run === null) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  return run;
}
