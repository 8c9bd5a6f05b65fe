// SQL-R1's self-consistency vote (evaluation_bird_post.py `major_voting`, the same as OmniSQL's):
// candidates that failed to run are dropped, the rest are grouped by their result as a SET of
// rows (frozenset(fetchall()): row order and duplicate rows ignored, column order kept, numbers
// equal by value), groups are counted in candidate order, a group answers with its FIRST
// member's SQL, most votes wins and a tie goes to the group seen first (Python's max() keeps
// the first maximum). An empty result set is a valid vote.
// Where r1flow differs (SQLR1.md §9): a sample with no SQL block is a failed candidate
// ('empty'), not a vote for the empty result as SQL-R1's "" would be.
// Results cut at the row cap vote with the rows that were read, and only with other cut results
// whose rows read are the same set: rows past the cap are unknown, so a cut result never joins a
// complete one.
// Selection among the clusters beyond SQL-R1 (empty-result penalty, tie-breaks, representative,
// source weights) is selection/, chosen by the options; the default options are SQL-R1's.
import { rowKey } from '../../eval/scoring/row-key.ts';
import type { ExecutedCandidate, VoteCluster } from '../types.ts';
import { rankGroups, representativeOf } from './selection/rank-clusters.ts';
import { PRESET_OPTIONS, type VoteOptions } from './selection/vote-options.ts';

export interface VoteOutcome {
  /** The winning cluster, or null when no candidate ran. */
  winner: VoteCluster | null;
  /** The winner's representative (SQL-R1: its first member): its SQL and rows are the answer. */
  answer: ExecutedCandidate | null;
  /** Every cluster, in the order its first member came. */
  clusters: VoteCluster[];
  /** Every cluster, best first (the winner, then the runner-up, ...). */
  ranked: VoteCluster[];
  /** Winner's votes / all candidates (failed ones included); 0 without a winner. */
  confidence: number;
  /** Candidates that ran (status 'ok' with SQL). */
  valid: number;
  /** Winner's votes / valid candidates; 0 without a winner. */
  share: number;
  /** (Winner's votes - runner-up's votes) / valid; the share when there is no runner-up. Negative when the options overrule a larger cluster. */
  margin: number;
}

function ranWithSql(candidate: ExecutedCandidate): boolean {
  return candidate.status === 'ok' && candidate.sql !== null && candidate.sql.trim() !== '';
}

function resultKey(candidate: ExecutedCandidate): string {
  const rows = JSON.stringify([...new Set(candidate.rows.map(rowKey))].sort());
  return candidate.truncated ? `cut:${rows}` : rows;
}

/** Candidates that ran, grouped by result set, groups in first-seen order, members in model order. */
function groupByResult(candidates: readonly ExecutedCandidate[]): ExecutedCandidate[][] {
  const voters = [...candidates].sort((a, b) => a.index - b.index).filter(ranWithSql);
  const groups = new Map<string, ExecutedCandidate[]>();
  for (const candidate of voters) {
    const key = resultKey(candidate);
    const group = groups.get(key);
    if (group) group.push(candidate);
    else groups.set(key, [candidate]);
  }
  return [...groups.values()];
}

/** Votes over executed candidates; their `index` (the model's order) decides ties. */
export function voteOnResults(
  candidates: readonly ExecutedCandidate[],
  options: VoteOptions = PRESET_OPTIONS['sql-r1'],
): VoteOutcome {
  const groups = groupByResult(candidates);
  const representatives = groups.map((group) => representativeOf(group, options));
  const clusters = groups.map(
    (group, i): VoteCluster => ({
      sql: representatives[i]!.sql ?? '',
      votes: group.length,
      members: group.map((candidate) => candidate.index),
      rowCount: group[0]!.rowCount,
    }),
  );
  const order = rankGroups(groups, options);
  const ranked = order.map((i) => clusters[i]!);
  const valid = groups.reduce((sum, group) => sum + group.length, 0);
  const [winner, runnerUp] = ranked;
  return {
    winner: winner ?? null,
    answer: order[0] === undefined ? null : representatives[order[0]]!,
    clusters,
    ranked,
    confidence: winner === undefined ? 0 : winner.votes / candidates.length,
    valid,
    share: winner === undefined ? 0 : winner.votes / valid,
    margin: winner === undefined ? 0 : (winner.votes - (runnerUp?.votes ?? 0)) / valid,
  };
}

export interface VoteSummary {
  /** Candidate index of the answer, -1 when every candidate failed. */
  index: number;
  sql: string | null;
  votes: number;
  valid: number;
}

/** What `r1flow vote --db F --candidates F` prints, from the executed candidates. */
export function summarizeVote(
  candidates: readonly ExecutedCandidate[],
  options: VoteOptions = PRESET_OPTIONS['sql-r1'],
): VoteSummary {
  const outcome = voteOnResults(candidates, options);
  return {
    index: outcome.answer?.index ?? -1,
    sql: outcome.answer?.sql ?? null,
    votes: outcome.winner?.votes ?? 0,
    valid: outcome.valid,
  };
}
