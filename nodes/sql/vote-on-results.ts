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
import { rowKey } from '../../eval/scoring/row-key.ts';
import type { ExecutedCandidate, VoteCluster } from '../types.ts';

export interface VoteOutcome {
  /** The winning cluster, or null when no candidate ran. */
  winner: VoteCluster | null;
  /** The winner's first member: its SQL and rows are the answer. */
  answer: ExecutedCandidate | null;
  /** Every cluster, in the order its first member came. */
  clusters: VoteCluster[];
  /** Winner's votes / all candidates (failed ones included); 0 without a winner. */
  confidence: number;
  /** Candidates that ran (status 'ok' with SQL). */
  valid: number;
}

function ranWithSql(candidate: ExecutedCandidate): boolean {
  return candidate.status === 'ok' && candidate.sql !== null && candidate.sql.trim() !== '';
}

function resultKey(candidate: ExecutedCandidate): string {
  const rows = JSON.stringify([...new Set(candidate.rows.map(rowKey))].sort());
  return candidate.truncated ? `cut:${rows}` : rows;
}

/** Votes over executed candidates; their `index` (the model's order) decides ties. */
export function voteOnResults(candidates: readonly ExecutedCandidate[]): VoteOutcome {
  const voters = [...candidates].sort((a, b) => a.index - b.index).filter(ranWithSql);
  const clusters = new Map<string, { cluster: VoteCluster; first: ExecutedCandidate }>();
  for (const candidate of voters) {
    const key = resultKey(candidate);
    const entry = clusters.get(key);
    if (entry) {
      entry.cluster.votes += 1;
      entry.cluster.members.push(candidate.index);
    } else {
      const cluster = {
        sql: candidate.sql ?? '',
        votes: 1,
        members: [candidate.index],
        rowCount: candidate.rowCount,
      };
      clusters.set(key, { cluster, first: candidate });
    }
  }

  let best: { cluster: VoteCluster; first: ExecutedCandidate } | undefined;
  for (const entry of clusters.values()) {
    if (best === undefined || entry.cluster.votes > best.cluster.votes) best = entry;
  }
  return {
    winner: best?.cluster ?? null,
    answer: best?.first ?? null,
    clusters: [...clusters.values()].map((entry) => entry.cluster),
    confidence: best === undefined ? 0 : best.cluster.votes / candidates.length,
    valid: voters.length,
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
export function summarizeVote(candidates: readonly ExecutedCandidate[]): VoteSummary {
  const outcome = voteOnResults(candidates);
  return {
    index: outcome.answer?.index ?? -1,
    sql: outcome.answer?.sql ?? null,
    votes: outcome.winner?.votes ?? 0,
    valid: outcome.valid,
  };
}
