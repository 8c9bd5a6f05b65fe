// Feedback on run answers, its review, the verified examples it becomes, and the export of all
// of it as training data (JSONL). Like every /api route they need a key when keys are required.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import type { StoredFeedback } from '../../../engine/store/feedback-records.ts';
import { projectsWith } from '../../auth/project-access.ts';
import { FeedbackService } from '../../feedback/feedback-service.ts';
import { trainingRecords } from '../../feedback/training-export.ts';
import { auditActor } from '../audit-actor.ts';
import { callerOf, checkProject } from '../project-guard.ts';
import type { RouteTable } from '../route.ts';
import { visibleRun } from '../run-visibility.ts';
import type { ServerContext } from '../server-context.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const SqlText = z.string().max(100_000);

export function registerFeedbackRoutes(
  app: FastifyInstance,
  routes: RouteTable,
  context: ServerContext,
  logger?: Logger,
): void {
  const { runtime } = context;
  const service = new FeedbackService(runtime, logger);
  // Not awaited: an embeddings server that is slow to answer must not hold up the start.
  app.addHook('onReady', async () => {
    service.rebuildIndexes().catch((error: unknown) => {
      logger?.warn(`examples indexes not rebuilt: ${(error as Error).message}`);
    });
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/runs/:id/feedback',
    tag: 'feedback',
    summary: "Rate a run's answer (up/down), optionally with the SQL that would have been right",
    params: IdParams,
    body: z
      .object({
        rating: z.enum(['up', 'down']),
        sql: SqlText.optional(),
        comment: z.string().max(10_000).optional(),
      })
      .strict(),
    responses: { 201: 'Recorded, pending review', 404: 'No such run', 409: 'The run has no answer' },
    handler: async ({ params, body }, request, reply) => {
      await visibleRun(context, request, await runtime.store.getRunRecord(params.id), params.id);
      return reply.status(201).send({ feedback: await service.record(params.id, body) });
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/feedback',
    tag: 'feedback',
    summary: 'Feedback, oldest first, by review state and run',
    query: z.object({
      state: z.enum(['pending', 'accepted', 'rejected']).optional(),
      run: z.string().min(1).max(64).optional(),
    }),
    handler: async ({ query }, request) => {
      const feedback = await runtime.store.feedback.list({
        ...(query.state ? { state: query.state } : {}),
        ...(query.run ? { runId: query.run } : {}),
      });
      return { feedback: await reviewable(request, feedback) };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/feedback/:id/review',
    tag: 'feedback',
    summary:
      'Accept (the SQL is run read-only, then becomes a verified example of the warehouse) or reject a pending feedback',
    params: IdParams,
    body: z.object({ accept: z.boolean(), sql: SqlText.optional() }).strict(),
    responses: {
      200: 'Reviewed; with the example when accepted',
      404: 'No such feedback',
      409: 'Already reviewed',
      422: 'Nothing runnable to verify (a down-vote without SQL, or SQL that fails)',
    },
    handler: async ({ params, body }, request) => {
      const missing = () => new R1flowError('FEEDBACK_NOT_FOUND', `no feedback "${params.id}"`);
      const feedback = await runtime.store.feedback.get(params.id);
      const run = feedback ? await runtime.store.getRunRecord(feedback.runId) : null;
      if (run) await checkProject(context, request, run.project, missing);
      return service.review(params.id, body, auditActor(request));
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/examples',
    tag: 'feedback',
    summary: 'Verified question → SQL examples, oldest first, optionally of one warehouse',
    query: z.object({ warehouse: z.string().min(1).max(4096).optional() }),
    handler: async ({ query }) => ({
      examples: await runtime.store.examples.list(query.warehouse ? { warehouse: query.warehouse } : {}),
    }),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/examples/:id',
    tag: 'feedback',
    summary: 'Delete a verified example (its warehouse index is rewritten without it)',
    params: IdParams,
    responses: { 200: 'Deleted', 404: 'No such example' },
    handler: async ({ params }) => ({ deleted: await service.deleteExample(params.id) }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/feedback/export.jsonl',
    tag: 'feedback',
    summary: 'Runs with feedback as training data: one JSON line per run with sql.reward scores',
    responses: { 200: 'application/x-ndjson' },
    handler: async (_input, request, reply) => {
      const lines: string[] = [];
      const projects = projectsWith(callerOf(request), 'feedback.review')?.all;
      for await (const record of trainingRecords(runtime, logger, projects))
        lines.push(JSON.stringify(record));
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', 'attachment; filename="r1flow-training.jsonl"')
        .send(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    },
  });

  /** Feedback on runs of the projects where the caller holds feedback.review. */
  async function reviewable(request: FastifyRequest, feedback: StoredFeedback[]): Promise<StoredFeedback[]> {
    const projects = projectsWith(callerOf(request), 'feedback.review')?.all;
    if (!projects) return feedback;
    const projectOfRun = new Map<string, string | null>();
    for (const { runId } of feedback) {
      if (!projectOfRun.has(runId))
        projectOfRun.set(runId, (await runtime.store.getRunRecord(runId))?.project ?? null);
    }
    return feedback.filter((item) => projects.includes(projectOfRun.get(item.runId) ?? ''));
  }
}
