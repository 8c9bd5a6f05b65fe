// Runs a sample's SQL candidates through the sandbox pool: each distinct SQL text once (duplicates
// share its result but keep their own index), candidates without SQL answer `empty` without
// running, and the output keeps the candidates' order (the vote's ties depend on it). With
// `stopWhenDecided`, once the candidates still to run could not change the vote's answer (the
// leading group has more votes than the runner-up plus every candidate left, and none left comes
// before the leader's first member), they are cancelled and answer `skipped`.
import type { NodeContext } from '../../engine/define-node.ts';
import { serializeError } from '../../engine/errors.ts';
import type { Candidate, ExecutedCandidate } from '../types.ts';
import type { SqlOutcome, SqlRequest } from './sandbox/sql-outcome.ts';
import type { SqlSandboxPool } from './sandbox/sql-sandbox-pool.ts';
import type { SqlAuditor } from './sql-auditor.ts';
import { voteOnResults } from './vote-on-results.ts';

export type ExecuteLimits = Pick<
  SqlRequest,
  'timeoutMs' | 'maxRows' | 'maxBytes' | 'allowedTables' | 'dbRole'
>;

type CandidateOutcome = Omit<ExecutedCandidate, 'index' | 'sql'>;

/** What running candidates needs of the pool (a wrapper may count or log calls). */
export type SqlExecutor = Pick<SqlSandboxPool, 'execute'>;

export interface ExecuteCandidatesOptions extends ExecuteLimits {
  /** Distinct queries of this call in the pool at once. Default: all (the pool queues the rest). */
  concurrency?: number | undefined;
  signal?: AbortSignal;
  /** Who asks the pool (a run id), so runs share its children fairly. */
  owner?: string | undefined;
  /** Cancel the candidates left once they cannot change the vote's answer. Default false. */
  stopWhenDecided?: boolean | undefined;
  /** Called after each distinct query finishes (skipped ones count as finished). */
  onProgress?: (done: number, total: number) => void;
  /** Told of every distinct query sent to the warehouse and how it ended (the audit log). */
  audit?: SqlAuditor | undefined;
  /** Called with the outcome of each distinct query that ran (what it cost: time and rows). */
  onRan?: (outcome: SqlOutcome) => void;
}

/** One query through the sandbox, for the CLI and evaluation. */
export function executeOnce(
  pool: SqlExecutor,
  database: string,
  sql: string,
  options: ExecuteLimits & { signal?: AbortSignal; owner?: string | undefined },
): Promise<SqlOutcome> {
  const { signal, owner, ...limits } = options;
  return pool.execute(
    { database, sql, ...limits },
    { ...(signal === undefined ? {} : { signal }), ...(owner === undefined ? {} : { owner }) },
  );
}

export async function executeCandidates(
  pool: SqlExecutor,
  database: string,
  candidates: readonly Candidate[],
  options: ExecuteCandidatesOptions,
): Promise<ExecutedCandidate[]> {
  const { concurrency, onProgress, onRan, stopWhenDecided, signal, audit, ...once } = options;
  const distinct = [...new Set(candidates.map((candidate) => candidate.sql).filter(hasSql))];
  const outcomes = new Map<string, SqlOutcome>();
  // Aborted by the caller's signal, or by this call once the vote is decided.
  const stop = new AbortController();
  const forwardAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  if (signal?.aborted) stop.abort(signal.reason);
  // Queries sent and not yet answered, with when they were sent. An abort reports them at once
  // (synchronously, so before the job settles and its audit reports go back with its result).
  const running = new Map<string, number>();
  const elapsed = (sql: string) => performance.now() - (running.get(sql) ?? performance.now());
  let skipped: CandidateOutcome | undefined;
  stop.signal.addEventListener('abort', () => {
    const reason = skipped?.error ?? serializeError(stop.signal.reason, 'NODE_CANCELLED');
    for (const sql of running.keys()) audit?.stopped(sql, elapsed(sql), reason, 'cancelled');
    running.clear();
  });
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < distinct.length && !stop.signal.aborted) {
      const sql = distinct[next++] as string;
      running.set(sql, performance.now());
      try {
        const outcome = await executeOnce(pool, database, sql, { ...once, signal: stop.signal });
        if (running.has(sql)) audit?.ran(sql, outcome);
        outcomes.set(sql, outcome);
        onRan?.(outcome);
      } catch (error) {
        if (running.has(sql)) audit?.stopped(sql, elapsed(sql), serializeError(error), 'error');
        if (skipped === undefined) throw error;
        return;
      } finally {
        running.delete(sql);
      }
      onProgress?.(outcomes.size, distinct.length);
      skipped ??= stopWhenDecided ? describeDecided(candidates, outcomes) : undefined;
      if (skipped) stop.abort();
    }
  };
  const workers = Math.min(concurrency ?? distinct.length, distinct.length);
  try {
    await Promise.all(Array.from({ length: workers }, work));
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
  if (skipped && outcomes.size < distinct.length) onProgress?.(distinct.length, distinct.length);
  return candidates.map((candidate) => {
    const outcome = hasSql(candidate.sql) ? (outcomes.get(candidate.sql) ?? skipped) : undefined;
    const source = candidate.source === undefined ? {} : { source: candidate.source };
    return { index: candidate.index, sql: candidate.sql, ...(outcome ?? EMPTY_OUTCOME), ...source };
  });
}

/** The `skipped` outcome when the candidates not yet run cannot change the vote's answer, else undefined. */
function describeDecided(
  candidates: readonly Candidate[],
  outcomes: ReadonlyMap<string, SqlOutcome>,
): CandidateOutcome | undefined {
  const finished: ExecutedCandidate[] = [];
  const pending: Candidate[] = [];
  for (const candidate of candidates) {
    if (!hasSql(candidate.sql)) continue;
    const outcome = outcomes.get(candidate.sql);
    if (outcome) finished.push({ index: candidate.index, sql: candidate.sql, ...outcome });
    else pending.push(candidate);
  }
  const { winner, clusters } = voteOnResults(finished);
  if (pending.length === 0 || winner === null) return undefined;
  const runnerUp = Math.max(0, ...clusters.filter((cluster) => cluster !== winner).map((c) => c.votes));
  const leaderFirst = winner.members[0] ?? 0;
  if (winner.votes <= runnerUp + pending.length) return undefined;
  if (pending.some((candidate) => candidate.index < leaderFirst)) return undefined;
  const message = `not run: ${winner.votes} of ${candidates.length} candidates already agree, more than the ${pending.length} left could outvote`;
  return { ...EMPTY_OUTCOME, status: 'skipped', error: { code: 'SQL_SKIPPED', message } };
}

/** SQL-R1 would vote a sample without a ```sql block as the empty result; r1flow marks it `empty` (SQLR1.md §9). */
const EMPTY_OUTCOME: CandidateOutcome = {
  status: 'empty',
  columns: [],
  rows: [],
  rowCount: 0,
  truncated: false,
  error: { code: 'SQL_EMPTY', message: 'the sample has no ```sql block with a query' },
  durationMs: 0,
};

/** What one query cost its node: its time and the rows it returned. */
export function chargeQuery(ctx: Pick<NodeContext, 'cost'>, outcome: SqlOutcome): void {
  ctx.cost({ sqlMs: Math.round(outcome.durationMs), rows: outcome.rowCount });
}

function hasSql(sql: string | null): sql is string {
  return sql !== null && sql.trim() !== '';
}
