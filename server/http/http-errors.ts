// Errors become JSON bodies with the right status; never a stack trace.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../engine/errors.ts';
import { isR1flowError } from '../../engine/errors.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  RUN_BAD_INPUT: 400,
  FLOW_JSON_INVALID: 400,
  FLOW_SCHEMA_INVALID: 400,
  FLOW_DUPLICATE_ID: 400,
  FLOW_EDGE_MISSING_NODE: 400,
  FLOW_EDGE_MISSING_PORT: 400,
  FLOW_PORT_TYPE_MISMATCH: 400,
  FLOW_INPUT_TAKEN: 400,
  FLOW_MISSING_INPUT: 400,
  FLOW_UNKNOWN_NODE_TYPE: 400,
  FLOW_BAD_PARAMS: 400,
  FLOW_BAD_OPTIONS: 400,
  FLOW_CYCLE: 400,
  FLOW_EMPTY: 400,
  FLOW_BAD_EXPRESSION: 400,
  JSON_TOO_DEEP: 400,
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  LOGIN_FAILED: 401,
  USER_DISABLED: 403,
  PERMISSION_DENIED: 403,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
  LAST_ADMIN: 409,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  FLOW_NOT_FOUND: 404,
  FLOW_NO_DRAFT: 404,
  // A webhook of a flow never published or switched off answers as if it were not there.
  FLOW_NOT_PUBLISHED: 404,
  FLOW_DISABLED: 404,
  PUBLISH_GATE_FAILED: 422,
  RUN_NOT_FOUND: 404,
  THREAD_NOT_FOUND: 404,
  CONNECTION_NOT_FOUND: 404,
  CONNECTION_INVALID: 400,
  CONNECTION_EXISTS: 409,
  RUN_NOT_ACTIVE: 409,
  RUN_NO_ANSWER: 409,
  FEEDBACK_NOT_FOUND: 404,
  EXAMPLE_NOT_FOUND: 404,
  FEEDBACK_ALREADY_REVIEWED: 409,
  FEEDBACK_NOT_VERIFIABLE: 422,
  THREAD_OTHER_FLOW: 409,
  PIN_NOT_FOUND: 404,
  PIN_NO_OUTPUT: 409,
  WEBHOOK_REPLAYED: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  REDIS_UNREACHABLE: 503,
  STORE_UNAVAILABLE: 503,
};

/** Seconds a caller is told to wait after a 503: a store or Redis restart takes about that long. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/**
 * What a caller is told when the store is down: the store's own message names its address, which
 * is for the server log, not for anyone who can reach a webhook.
 */
const STORE_UNAVAILABLE_MESSAGE = 'the store is unavailable; nothing was done, try again shortly';

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (isR1flowError(error)) {
    const status = STATUS[error.code] ?? 500;
    const message = error.code === 'STORE_UNAVAILABLE' ? STORE_UNAVAILABLE_MESSAGE : error.message;
    const body: Record<string, unknown> = { code: error.code, message };
    if (error.path) body.path = error.path;
    if (error.nodeId) body.nodeId = error.nodeId;
    if (error.data?.issues) body.issues = error.data.issues;
    if (error.data?.gate) body.gate = error.data.gate;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (status === 503) reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    return reply.status(status).send({ error: body });
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    return reply
      .status(fastifyError.statusCode)
      .send({ error: { code, message: fastifyError.message ?? 'bad request' } });
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply
    .status(500)
    .send({ error: { code: 'INTERNAL', message: 'internal error; see the server log' } });
}
