// POST /hooks/<path>: the webhook trigger of a flow's published version. Checks, in order: the
// hook exists (only published versions' hooks do), its flow is switched on, the hook is on, the
// caller's address has not failed too often, body size, authentication (on the raw bytes), replay
// (an HMAC signature is accepted once), the hook's rate, JSON, the body against the trigger's
// fields. The hook's rate is spent only by callers that proved themselves, so strangers cannot
// lock out the valid one. Both limits are `context.rateLimits`: in queue mode kept in Redis, so
// every server behind a load balancer spends one budget. Any failure answers 4xx and creates no
// run. An Idempotency-Key repeat with the same body returns the same run; with another body it is
// refused (422). A follow-up names its thread (X-R1flow-Thread-Id) or the run it follows
// (X-R1flow-Follow-Up-Of) in a header, since the body is the run input.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isR1flowError, R1flowError } from '../../../engine/errors.ts';
import { parseJsonText } from '../../../engine/json-source.ts';
import type { ThreadRequest } from '../../../engine/scheduler/join-thread.ts';
import { verifyWebhook } from '../../triggers/verify-webhook.ts';
import type { ServerContext } from '../server-context.ts';

const GLOBAL_BODY_LIMIT = 10 * 1024 * 1024;
/** Failed authentications one client address may make a minute, over all hooks. */
export const WEBHOOK_FAILURES_PER_MINUTE = 30;

export function registerHookRoutes(app: FastifyInstance, context: ServerContext): void {
  const { orchestrator, store } = context.runtime;
  const { rateLimits } = context;

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
      if (trigger?.kind !== 'webhook' || !flow) {
        throw new R1flowError(
          'FLOW_NOT_PUBLISHED',
          `no published flow serves /hooks/${path} (a flow's webhooks answer once it is published)`,
        );
      }
      if (!flow.enabled) {
        throw new R1flowError('FLOW_DISABLED', `the flow behind /hooks/${path} is switched off`);
      }
      if (!trigger.enabled)
        throw new R1flowError('NOT_FOUND', `the webhook at /hooks/${path} is switched off`);
      const failedWait = await rateLimits.wait(failuresKey(request.ip), WEBHOOK_FAILURES_PER_MINUTE);
      if (failedWait > 0) {
        throw rateLimited(reply, failedWait, 'too many failed webhook calls from this address');
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
      let signed: { signature: string; timestamp: number } | null;
      try {
        signed = await verifyWebhook(context.triggers, trigger, request.headers, body);
      } catch (error) {
        if (isR1flowError(error)) await rateLimits.take(failuresKey(request.ip), WEBHOOK_FAILURES_PER_MINUTE);
        throw error;
      }
      if (signed) {
        // Kept until the signed timestamp leaves the window (it may lie ahead of our clock).
        const ttlMs = (signed.timestamp + trigger.config.replayWindowSeconds) * 1000 - Date.now() + 1000;
        if (!(await context.replayGuard.firstSeen(`${trigger.id}:${signed.signature}`, ttlMs))) {
          throw new R1flowError(
            'WEBHOOK_REPLAYED',
            'this signed request was already accepted; sign each delivery with a fresh timestamp',
          );
        }
      }
      const retryAfter = await rateLimits.take(`hook:${trigger.id}`, trigger.config.rateLimitPerMinute);
      if (retryAfter > 0) {
        throw rateLimited(
          reply,
          retryAfter,
          `this webhook allows ${trigger.config.rateLimitPerMinute} calls a minute`,
        );
      }
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
      const bodySha256 = createHash('sha256').update(body).digest('hex');
      const repeat = key ? await store.findRunByIdempotencyKey(trigger.flowId, key) : null;
      const run =
        repeat ??
        (await orchestrator.startRun({
          flowId: trigger.flowId,
          // The published version the hook belongs to, never a draft or a newer unpublished version.
          version: trigger.flowVersion,
          input,
          trigger: { kind: 'webhook', detail: { path, nodeId: trigger.nodeId, bodySha256 } },
          startedBy: { kind: 'webhook', id: trigger.id, name: `/hooks/${path}` },
          ...(key ? { idempotencyKey: key } : {}),
          ...threadHeaders(request.headers),
        }));
      // A concurrent twin may have won the key with another body; runs from before body hashes
      // were kept carry none and are taken as they are.
      const keptHash = run.trigger.detail?.bodySha256;
      if (key && keptHash !== undefined && keptHash !== bodySha256) {
        throw new R1flowError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key "${key}" was used for run ${run.id} with another body; use a new key for a new request`,
        );
      }
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
            cost: finished.cost,
            ...links,
          });
        }
      }
      return reply.status(202).send({ runId: run.id, status: run.status, ...links });
    });
  });
}

/** Failed attempts are counted per client address over all hooks, apart from the hooks' own rates. */
function failuresKey(address: string): string {
  return `hook-failures:${address}`;
}

const THREAD_HEADERS = { threadId: 'x-r1flow-thread-id', followUpOf: 'x-r1flow-follow-up-of' } as const;

function threadHeaders(headers: FastifyRequest['headers']): ThreadRequest {
  const request: ThreadRequest = {};
  for (const [field, header] of Object.entries(THREAD_HEADERS) as [keyof ThreadRequest, string][]) {
    const value = headers[header];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > 64) {
      throw new R1flowError('BAD_REQUEST', `the ${header} header must be one run id (at most 64 characters)`);
    }
    request[field] = value;
  }
  return request;
}

function rateLimited(reply: FastifyReply, retryAfter: number, what: string): R1flowError {
  reply.header('retry-after', String(retryAfter));
  return new R1flowError('RATE_LIMITED', `${what}; retry in ${retryAfter} s`);
}
