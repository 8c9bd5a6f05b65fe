// Runs a sample's SQL candidates through the sandbox pool: each distinct SQL text once (duplicates
// share its result but keep their own index), candidates without SQL answer `empty` without
// running, and the output keeps the candidates' order (the vote's ties depend on it).
import type { Candidate, ExecutedCandidate } from '../types.ts';
import type { SqlOutcome, SqlRequest } from './sandbox/sql-outcome.ts';
import type { SqlSandboxPool } from './sandbox/sql-sandbox-pool.ts';

export type ExecuteLimits = Pick<SqlRequest, 'timeoutMs' | 'maxRows' | 'allowedTables'>;

/** What running candidates needs of the pool (a wrapper may count or log calls). */
export type SqlExecutor = Pick<SqlSandboxPool, 'execute'>;

export interface ExecuteCandidatesOptions extends ExecuteLimits {
  /** Distinct queries of this call in the pool at once. Default: all (the pool queues the rest). */
  concurrency?: number | undefined;
  signal?: AbortSignal;
  /** Called after each distinct query finishes. */
  onProgress?: (done: number, total: number) => void;
}

/** One query through the sandbox, for the CLI and evaluation. */
export function executeOnce(
  pool: SqlExecutor,
  database: string,
  sql: string,
  options: ExecuteLimits & { signal?: AbortSignal },
): Promise<SqlOutcome> {
  const { signal, ...limits } = options;
  return pool.execute({ database, sql, ...limits }, signal === undefined ? {} : { signal });
}

export async function executeCandidates(
  pool: SqlExecutor,
  database: string,
  candidates: readonly Candidate[],
  options: ExecuteCandidatesOptions,
): Promise<ExecutedCandidate[]> {
  const { concurrency, onProgress, ...once } = options;
  const distinct = [...new Set(candidates.map((candidate) => candidate.sql).filter(hasSql))];
  const outcomes = new Map<string, SqlOutcome>();
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < distinct.length && !options.signal?.aborted) {
      const sql = distinct[next++] as string;
      outcomes.set(sql, await executeOnce(pool, database, sql, once));
      onProgress?.(outcomes.size, distinct.length);
    }
  };
  const workers = Math.min(concurrency ?? distinct.length, distinct.length);
  await Promise.all(Array.from({ length: workers }, work));
  return candidates.map((candidate) => {
    const outcome = hasSql(candidate.sql) ? outcomes.get(candidate.sql) : undefined;
    const source = candidate.source === undefined ? {} : { source: candidate.source };
    return { index: candidate.index, sql: candidate.sql, ...(outcome ?? EMPTY_OUTCOME), ...source };
  });
}

/** SQL-R1 would vote a sample without a ```sql block as the empty result; r1flow marks it `empty` (SQLR1.md §9). */
const EMPTY_OUTCOME: Omit<ExecutedCandidate, 'index' | 'sql'> = {
  status: 'empty',
  columns: [],
  rows: [],
  rowCount: 0,
  truncated: false,
  error: { code: 'SQL_EMPTY', message: 'the sample has no ```sql block with a query' },
  durationMs: 0,
};

function hasSql(sql: string | null): sql is string {
  return sql !== null && sql.trim() !== '';
}
