// What `r1flow vote` prints for a list of candidate SQL: each distinct query run read-only on the
// warehouse, then the vote's `{index, sql, votes, valid}` and every candidate that did not vote,
// with the reason. Apart from the command so the same code can be checked on several engines.
import { executeCandidates } from '../../nodes/sql/execute-candidates.ts';
import { resolveVoteOptions, type VotePreset } from '../../nodes/sql/selection/vote-options.ts';
import { summarizeVote } from '../../nodes/sql/vote-on-results.ts';
import type { ExecutedCandidate } from '../../nodes/types.ts';
import type { WarehouseRunner } from './warehouse-arg.ts';

export interface VoteLimits {
  timeoutMs: number;
  maxRows: number;
  preset: VotePreset;
}

/** The vote over `sqls`, in the model's order (ties go to the earliest). */
export async function voteOnWarehouse(
  warehouse: WarehouseRunner,
  sqls: readonly string[],
  limits: VoteLimits,
) {
  const candidates = sqls.map((sql, index) => ({ index, sql, reasoning: '', text: sql, finishReason: null }));
  const executed = await executeCandidates(warehouse.executor, warehouse.database, candidates, {
    timeoutMs: limits.timeoutMs,
    maxRows: limits.maxRows,
  });
  return { ...summarizeVote(executed, resolveVoteOptions(limits.preset)), rejected: rejected(executed) };
}

/** Candidates that did not vote, in file order, each with the error that kept it out. */
function rejected(executed: readonly ExecutedCandidate[]) {
  return executed
    .filter((candidate) => candidate.status !== 'ok')
    .map(({ index, sql, status, error }) => ({
      index,
      sql,
      status,
      // The sandbox words an empty candidate as a model sample; here it is a line of the file.
      error: status === 'empty' ? { code: 'SQL_EMPTY', message: 'the candidate is empty' } : error,
    }));
}
