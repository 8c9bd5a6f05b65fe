// Scoring's RunSql backed by the SQL sandbox pool: read-only child processes with a timeout, and
// a row cap high enough that whole results are compared (a capped result cannot be scored).

import type { RunSql } from '../../eval/scoring/run-sql.ts';
import { executeOnce, type SqlExecutor } from './execute-candidates.ts';

export interface ScoringLimits {
  /** SQL-R1's reward uses 30 s; Spider's evaluation has no working timeout. */
  timeoutMs: number;
  maxRows: number;
}

export const SCORING_LIMITS: ScoringLimits = { timeoutMs: 30_000, maxRows: 1_000_000 };

export function sandboxRunSql(pool: SqlExecutor, limits: ScoringLimits = SCORING_LIMITS): RunSql {
  return (database, sql) => executeOnce(pool, database, sql, limits);
}
