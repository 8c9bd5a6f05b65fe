// Orders the vote's clusters (candidates with the same result set) best first under the
// selection options, and picks whose SQL answers for a cluster. With the `sql-r1` options this is
// SQL-R1's rule: most votes, ties to the cluster seen first, its first member's SQL.
import { cellKey, rowKey } from '../../../eval/scoring/row-key.ts';
import type { ExecutedCandidate } from '../../types.ts';
import type { VoteOptions, VoteTieBreak } from './vote-options.ts';

/** Candidates whose results are one set of rows, in model order. */
export type ResultGroup = readonly ExecutedCandidate[];

type Kind = 'empty' | 'nullOnly' | 'zeroCount' | 'plain';

const EPSILON = 1e-9;

function kindOf(first: ExecutedCandidate): Kind {
  if (first.rowCount === 0) return 'empty';
  const cells = first.rows.flat();
  if (cells.every((cell) => cell === null)) return 'nullOnly';
  if (first.rows.every((row) => row.length === 1 && cellKey(row[0] ?? null) === cellKey(0)))
    return 'zeroCount';
  return 'plain';
}

function kindWeight(kind: Kind, options: VoteOptions): number {
  if (kind === 'empty') return options.emptyResultWeight;
  if (kind === 'nullOnly') return options.nullOnlyWeight;
  if (kind === 'zeroCount') return options.zeroCountWeight;
  return 1;
}

/** Each group's votes weighted by source and by what its result is (see VoteOptions). */
export function weightedVotes(groups: readonly ResultGroup[], options: VoteOptions): number[] {
  const kinds = groups.map((group) => kindOf(group[0]!));
  return groups.map((group, i) => {
    const kind = kinds[i]!;
    // A penalty only separates clusters: when every result is of that kind it does nothing.
    const weight = kinds.every((other) => other === kind) ? 1 : kindWeight(kind, options);
    const votes = group.reduce((sum, candidate) => sum + sourceWeight(candidate, options), 0);
    return votes * weight;
  });
}

function sourceWeight(candidate: ExecutedCandidate, options: VoteOptions): number {
  return candidate.source === undefined ? 1 : (options.sourceWeights[candidate.source] ?? 1);
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  let shared = 0;
  for (const key of left) if (right.has(key)) shared += 1;
  const union = left.size + right.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** A value per group where higher is better, for one tie-break. */
function tieBreakValues(groups: readonly ResultGroup[], tieBreak: VoteTieBreak): number[] {
  const firsts = groups.map((group) => group[0]!);
  if (tieBreak === 'similarity') {
    // MBR-exec: the expected agreement of this result with the others', weighted by their votes.
    const rowSets = firsts.map((first) => new Set(first.rows.map(rowKey)));
    return rowSets.map((rows, i) =>
      rowSets.reduce((sum, other, j) => (j === i ? sum : sum + groups[j]!.length * jaccard(rows, other)), 0),
    );
  }
  if (tieBreak === 'fewerColumns') return firsts.map((first) => -(first.rows[0]?.length ?? 0));
  return firsts.map((first) => {
    const cells = first.rows.flat();
    return cells.length === 0 ? 0 : -cells.filter((cell) => cell === null).length / cells.length;
  });
}

/** Indexes of `groups` (given in first-seen order) best first. */
export function rankGroups(groups: readonly ResultGroup[], options: VoteOptions): number[] {
  const scores = weightedVotes(groups, options);
  const breaks = options.tieBreak.map((tieBreak) => tieBreakValues(groups, tieBreak));
  return groups
    .map((_, i) => i)
    .sort((a, b) => {
      const byScore = scores[b]! - scores[a]!;
      if (Math.abs(byScore) > EPSILON) return byScore;
      for (const values of breaks) {
        const byBreak = values[b]! - values[a]!;
        if (Math.abs(byBreak) > EPSILON) return byBreak;
      }
      return a - b;
    });
}

/** Whose SQL answers for a group: its first member, or the member most others agree with row for row. */
export function representativeOf(group: ResultGroup, options: VoteOptions): ExecutedCandidate {
  const first = group[0]!;
  if (options.representative === 'first') return first;
  const lists = group.map((candidate) => JSON.stringify(candidate.rows.map(rowKey)));
  const bags = group.map((candidate) => JSON.stringify(candidate.rows.map(rowKey).sort()));
  let best = 0;
  let bestAgreement = -1;
  group.forEach((_, i) => {
    const agreement = group.reduce(
      (sum, _other, j) => sum + (lists[j] === lists[i] ? 1 : 0) + (bags[j] === bags[i] ? 1 : 0),
      0,
    );
    if (agreement > bestAgreement) {
      best = i;
      bestAgreement = agreement;
    }
  });
  return group[best]!;
}
