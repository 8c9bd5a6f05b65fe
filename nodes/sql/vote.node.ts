// sql.vote: SQL-R1's self-consistency vote over executed candidates (rules in
// vote-on-results.ts). Below `minConfidence` it abstains: no SQL or rows, a reason, and the
// clusters so a person can see the disagreement.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { BooleanValue, optional, Text } from '../../engine/ports.ts';
import type { ExecutedCandidate } from '../types.ts';
import { ExecutionResultsPort, Probability, RowsPort, SqlText, VoteClustersPort } from '../types.ts';
import { voteOnResults } from './vote-on-results.ts';

function describeFailures(candidates: readonly ExecutedCandidate[]): string {
  if (candidates.length === 0) return 'there were no candidates to vote on';
  const counts = new Map<string, number>();
  for (const candidate of candidates) counts.set(candidate.status, (counts.get(candidate.status) ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count} ${status}`);
  return `none of the ${candidates.length} candidates ran (${parts.join(', ')})`;
}

export default defineNode({
  type: 'sql.vote',
  version: 1,
  title: 'Self-consistency vote',
  family: 'sql',
  lane: 'cpu',
  description:
    'Groups candidates by their result rows and answers with the largest group (ties: the group that came first), as SQL-R1 does.',
  params: z.object({
    /** Abstain when the winner's share of all candidates is below this (0..1). */
    minConfidence: z.number().min(0).max(1).default(0),
  }),
  inputs: { results: ExecutionResultsPort },
  outputs: {
    sql: optional(SqlText),
    rows: optional(RowsPort),
    confidence: Probability,
    clusters: VoteClustersPort,
    abstained: BooleanValue,
    reason: optional(Text),
  },
  async run({ params, inputs }) {
    const candidates = inputs.results.candidates;
    const { answer, winner, clusters, confidence } = voteOnResults(candidates);
    if (answer === null || winner === null) {
      return { confidence, clusters, abstained: true, reason: describeFailures(candidates) };
    }
    if (confidence < params.minConfidence) {
      const reason = `the largest group has ${winner.votes} of ${candidates.length} votes (confidence ${confidence.toFixed(2)}), below the minimum ${params.minConfidence}`;
      return { confidence, clusters, abstained: true, reason };
    }
    return {
      sql: winner.sql,
      rows: { columns: answer.columns, rows: answer.rows, truncated: answer.truncated },
      confidence,
      clusters,
      abstained: false,
    };
  },
});
