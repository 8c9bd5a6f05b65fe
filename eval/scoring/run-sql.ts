// What scoring needs from whatever runs SQL (the sandbox pool in production, an in-process
// reader in tests): the status and, on success, every row. Scoring never opens a database itself.
import type { Cell, ExecutionStatus } from '../../nodes/types.ts';

export interface SqlRun {
  status: ExecutionStatus;
  /** Rows as arrays of cells (empty unless status is 'ok'). */
  rows: readonly (readonly Cell[])[];
  /** True when a row cap stopped reading: more rows exist than `rows` holds. */
  truncated?: boolean;
  error?: { code: string; message: string };
}

/** Runs one query on one database file. */
export type RunSql = (database: string, sql: string) => Promise<SqlRun>;
