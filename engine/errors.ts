// One error type for the whole project: a stable `code` a program can branch on, a message a
// person can act on, and where it happened (a JSON path in a flow, a node id in a run).

export type ErrorCode =
  // flow documents
  | 'FLOW_JSON_INVALID'
  | 'FLOW_SCHEMA_INVALID'
  | 'FLOW_DUPLICATE_ID'
  | 'FLOW_EDGE_MISSING_NODE'
  | 'FLOW_EDGE_MISSING_PORT'
  | 'FLOW_PORT_TYPE_MISMATCH'
  | 'FLOW_INPUT_TAKEN'
  | 'FLOW_MISSING_INPUT'
  | 'FLOW_UNKNOWN_NODE_TYPE'
  | 'FLOW_BAD_PARAMS'
  | 'FLOW_BAD_OPTIONS'
  | 'FLOW_CYCLE'
  | 'FLOW_EMPTY'
  | 'FLOW_UNKNOWN_LANE'
  | 'FLOW_BAD_EXPRESSION'
  | 'JSON_TOO_DEEP'
  | 'FLOW_NOT_FOUND'
  | 'FLOW_NO_DRAFT'
  | 'FLOW_NOT_PUBLISHED'
  | 'FLOW_DISABLED'
  | 'PUBLISH_GATE_FAILED'
  // runs and nodes
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_ACTIVE'
  | 'RUN_NO_ANSWER'
  | 'RUN_BAD_INPUT'
  | 'THREAD_NOT_FOUND'
  | 'THREAD_OTHER_FLOW'
  | 'NODE_FAILED'
  | 'NODE_TIMEOUT'
  | 'NODE_CANCELLED'
  | 'NODE_BAD_OUTPUT'
  | 'NODE_BAD_INPUT'
  | 'NODE_WORKER_LOST'
  | 'NODE_TYPE_UNAVAILABLE'
  | 'NODE_OUTPUT_TOO_LARGE'
  | 'NODE_BAD_COST'
  // pinned node outputs
  | 'PIN_NOT_FOUND'
  | 'PIN_NO_OUTPUT'
  | 'ILLEGAL_TRANSITION'
  | 'PARAM_EXPRESSION_FAILED'
  // store
  | 'STORE_NOT_R1FLOW'
  | 'STORE_TOO_NEW'
  | 'STORE_CORRUPT'
  | 'STORE_COMMIT_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'RUN_LEASE_LOST'
  | 'SCHEDULE_TICK_TAKEN'
  // model server
  | 'LLM_UNREACHABLE'
  | 'LLM_BAD_RESPONSE'
  | 'LLM_HTTP_ERROR'
  | 'LLM_UNKNOWN_QUESTION'
  // SQL
  | 'SQL_READONLY_VIOLATION'
  | 'SQL_TABLE_FORBIDDEN'
  | 'SQL_SYNTAX'
  | 'SQL_TIMEOUT'
  | 'SQL_ERROR'
  | 'SQL_EMPTY'
  | 'WAREHOUSE_NOT_FOUND'
  | 'WAREHOUSE_CONNECT_FAILED'
  | 'CONNECTION_NOT_FOUND'
  | 'CONNECTION_INVALID'
  | 'CONNECTION_EXISTS'
  | 'CONNECTION_UNREADABLE'
  | 'PATH_OUTSIDE_DATA_DIR'
  // http.request
  | 'HTTP_HOST_NOT_ALLOWED'
  | 'HTTP_REDIRECT_REFUSED'
  | 'HTTP_RESPONSE_TOO_LARGE'
  | 'HTTP_TIMEOUT'
  | 'HTTP_REQUEST_FAILED'
  | 'HTTP_STATUS'
  // schema retrieval / sync
  | 'SCHEMA_INDEX_ERROR'
  | 'SYNC_SOURCE_MISSING'
  | 'SYNC_SCHEMA_CHANGED'
  | 'SYNC_FAILED'
  // feedback and verified examples
  | 'FEEDBACK_NOT_FOUND'
  | 'FEEDBACK_ALREADY_REVIEWED'
  | 'FEEDBACK_NOT_VERIFIABLE'
  | 'EXAMPLE_NOT_FOUND'
  // datasets and evaluation
  | 'DATASET_INVALID'
  // queue mode
  | 'REDIS_UNREACHABLE'
  | 'JOB_DATA_INVALID'
  // server
  | 'AUTH_REQUIRED'
  | 'AUTH_FORBIDDEN'
  | 'LOGIN_FAILED'
  | 'USER_DISABLED'
  | 'PERMISSION_DENIED'
  | 'USER_NOT_FOUND'
  | 'USER_EXISTS'
  | 'LAST_ADMIN'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'HOST_NOT_ALLOWED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'WEBHOOK_REPLAYED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export interface ErrorDetails {
  /** JSON path inside a document, e.g. `nodes[2].params.n`. */
  readonly path?: string;
  readonly nodeId?: string;
  readonly runId?: string;
  /**
   * `true`: trying again may succeed (network blips, timeouts); `false`: no retry can fix it (a
   * 4xx, a validation error), so the node fails at once; unset: the node's retry policy decides.
   */
  readonly retryable?: boolean;
  readonly data?: Record<string, unknown>;
  readonly cause?: unknown;
}

export class R1flowError extends Error {
  override readonly name = 'R1flowError';
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly nodeId: string | undefined;
  readonly runId: string | undefined;
  readonly retryable: boolean | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.path = details.path;
    this.nodeId = details.nodeId;
    this.runId = details.runId;
    this.retryable = details.retryable;
    this.data = details.data;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** The plain-data form of an error: what is stored, sent over queues and returned by the API. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  path?: string;
  nodeId?: string;
  retryable?: boolean;
  data?: Record<string, unknown>;
}

export function isR1flowError(value: unknown): value is R1flowError {
  return value instanceof R1flowError;
}

/** Turns anything thrown into stored data; unknown errors become `NODE_FAILED` with their message. */
export function serializeError(error: unknown, fallback: ErrorCode = 'NODE_FAILED'): SerializedError {
  if (error instanceof R1flowError) {
    const out: SerializedError = { code: error.code, message: error.message };
    if (error.path !== undefined) out.path = error.path;
    if (error.nodeId !== undefined) out.nodeId = error.nodeId;
    if (error.retryable !== undefined) out.retryable = error.retryable;
    if (error.data !== undefined) out.data = error.data;
    return out;
  }
  if (error instanceof Error) return { code: fallback, message: error.message || error.name };
  return { code: fallback, message: typeof error === 'string' ? error : JSON.stringify(error) };
}

export function deserializeError(error: SerializedError): R1flowError {
  const details: { -readonly [K in keyof ErrorDetails]: ErrorDetails[K] } = {};
  if (error.path !== undefined) details.path = error.path;
  if (error.nodeId !== undefined) details.nodeId = error.nodeId;
  if (error.retryable !== undefined) details.retryable = error.retryable;
  if (error.data !== undefined) details.data = error.data;
  return new R1flowError(error.code, error.message, details);
}
