// POST /hooks/<path>: the webhook trigger. Checks, in order: the hook exists and is on, rate,
// body size, authentication (on the raw bytes), JSON, the body against the trigger's fields.
// Any failure answers 4xx and creates no run. An Idempotency-Key repeat returns the same run.
import type { FastifyInstance } from 'fastify';
import { R1flowError } from '../../../engine/errors.ts';
import { parseJsonText } from '../../../engine/json-source.ts';
import { RateLimiter } from '../../triggers/rate-limiter.ts';
import { verifyWebhook } from '../../triggers/verify-webhook.ts';
import type { ServerContext } from '../server-context.ts';

const GLOBAL_BODY_LIMIT = 10 * 1024 * 1024;

export function registerHookRoutes(app: FastifyInstance, context: ServerContext): void {
  const limiter = new RateLimiter();
  const { orchestrator, store } = context.runtime;

  app.register(async (scope) => {
    // Raw bytes: the signature covers the body exactly as sent.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: GLOBAL_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post('/hooks/*', async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const trigger = await context.triggers.byPath(path);
      const flow = trigger ? await store.getFlow(trigger.flowId) : null;
      if (trigger?.kind !== 'webhook' || !trigger.enabled || !flow?.enabled) {
        throw new R1flowError('NOT_FOUND', `no active webhook at /hooks/${path}`);
      }
      const retryAfter = limiter.take(trigger.id, trigger.config.rateLimitPerMinute);
      if (retryAfter > 0) {
        reply.header('retry-after', String(retryAfter));
        throw new R1flowError(
          'RATE_LIMITED',
          `this webhook allows ${trigger.config.rateLimitPerMinute} calls a minute; retry in ${retryAfter} s`,
        );
      }
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      if (body.length > trigger.config.maxBodyBytes) {
        return reply.status(413).send({
          error: {
            code: 'PAYLOAD_TOO_LARGE',
            message: `the body has ${body.length} bytes; this webhook accepts at most ${trigger.config.maxBodyBytes}`,
          },
        });
      }
      await verifyWebhook(context.triggers, trigger, request.headers, body);
      let input: unknown;
      try {
        input = body.length === 0 ? {} : parseJsonText(body.toString('utf8'), 'body');
      } catch (error) {
        throw new R1flowError('BAD_REQUEST', (error as Error).message);
      }
      const idempotencyKey = request.headers['idempotency-key'];
      const key =
        typeof idempotencyKey === 'string' && idempotencyKey.length > 0
          ? idempotencyKey.slice(0, 200)
          : undefined;
      const repeat = key ? await store.findRunByIdempotencyKey(trigger.flowId, key) : null;
      const run =
        repeat ??
        (await orchestrator.startRun({
          flowId: trigger.flowId,
          input,
          trigger: { kind: 'webhook', detail: { path, nodeId: trigger.nodeId } },
          ...(key ? { idempotencyKey: key } : {}),
        }));
      if (repeat) reply.header('idempotent-replayed', 'true');
      const links = { statusUrl: `/api/runs/${run.id}`, eventsUrl: `/api/runs/${run.id}/events` };
      if (trigger.config.responseMode === 'sync') {
        const { run: finished, timedOut } = await orchestrator.waitForRun(
          run.id,
          trigger.config.syncTimeoutMs,
        );
        if (!timedOut) {
          return reply.status(200).send({
            runId: finished.id,
            status: finished.status,
            output: finished.output,
            error: finished.error,
            ...links,
          });
        }
      }
      return reply.status(202).send({ runId: run.id, status: run.status, ...links });
    });
  });
}
