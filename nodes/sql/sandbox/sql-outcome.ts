// What a sandboxed query is asked and what it answers: the message shapes between the pool and its
// child processes, and the outcome callers see. Plain data, so it crosses the IPC channel as JSON.
import type { Cell, ExecutionStatus } from '../../types.ts';

export interface SqlRequest {
  /** Path of the SQLite file (absolute, or relative to the working directory). */
  database: string;
  sql: string;
  /** The query is stopped (its process killed) after this long; queue time does not count. */
  timeoutMs: number;
  /** Reading stops after this many rows; the outcome is then `truncated`. */
  maxRows: number;
  /** Reading stops before the row that takes the rows past this many bytes of JSON; default no cap. */
  maxBytes?: number | undefined;
  /** When set, reading any other table (or the schema table) answers `forbidden`. Case-insensitive. */
  allowedTables?: readonly string[] | undefined;
  /** PostgreSQL only: the query runs under `SET LOCAL ROLE` to this role (the caller's mapped role). */
  dbRole?: string | undefined;
}

/** A candidate only has status `empty` when it had no SQL at all; anything that ran has one of these. */
export type SqlStatus = Exclude<ExecutionStatus, 'empty'>;

export type SqlErrorCode =
  | 'SQL_TIMEOUT'
  | 'SQL_ERROR'
  | 'SQL_SYNTAX'
  | 'SQL_READONLY_VIOLATION'
  | 'SQL_TABLE_FORBIDDEN'
  | 'SQL_EMPTY'
  | 'SQL_MEMORY_LIMIT'
  | 'SQL_SKIPPED'
  | 'WAREHOUSE_NOT_FOUND';

export interface SqlOutcome {
  status: SqlStatus;
  columns: string[];
  /** BLOBs as `x'…'` hex strings, integers beyond 2^53 and non-finite reals as strings. */
  rows: Cell[][];
  /** Rows kept; equals `rows.length` (reading stops at the cap, see `truncated`). */
  rowCount: number;
  /** True when the query had more rows than `maxRows`, or more bytes than `maxBytes`. */
  truncated: boolean;
  /** Which cap cut the result, when `truncated`. */
  truncatedBy?: 'rows' | 'bytes';
  error?: { code: SqlErrorCode; message: string };
  /** Wall time from handing the query to a child until its answer (or the kill). */
  durationMs: number;
}

/** What a child computes; the pool adds the duration it measured. */
export type ChildOutcome = Omit<SqlOutcome, 'durationMs'>;

/** What a child is asked: the timeout stays with the pool, which enforces it by killing the child. */
export type QueryRequest = Omit<SqlRequest, 'timeoutMs'>;

export interface ChildRequestMessage {
  id: number;
  request: QueryRequest;
}

export type ChildMessage = { type: 'ready' } | { type: 'outcome'; id: number; outcome: ChildOutcome };

export function failedOutcome(status: SqlStatus, code: SqlErrorCode, message: string): ChildOutcome {
  return { status, columns: [], rows: [], rowCount: 0, truncated: false, error: { code, message } };
}
