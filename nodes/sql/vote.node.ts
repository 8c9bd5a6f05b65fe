// sql.vote: the self-consistency vote over executed candidates (rules in vote-on-results.ts,
// selection options in selection/vote-options.ts). `preset` picks SQL-R1's vote ('sql-r1', the
// default) or r1flow's tuned selection ('r1flow'); single options override the preset. It
// abstains ("not sure": no SQL or rows, a reason, the clusters best first) when nothing ran, when
// the winner's share of valid votes is below `abstainBelow`, or when its share of all candidates
// is below `minConfidence`.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { BooleanValue, NumberValue, optional, Text } from '../../engine/ports.ts';
import type { ExecutedCandidate } from '../types.ts';
import { ExecutionResultsPort, Probability, RowsPort, SqlText, VoteClustersPort } from '../types.ts';
import { resolveVoteOptions, VOTE_PRESETS, VoteOptionsSchema } from './selection/vote-options.ts';
import { type VoteOutcome, voteOnResults } from './vote-on-results.ts';

function describeFailures(candidates: readonly ExecutedCandidate[]): string {
  if (candidates.length === 0) return 'there were no candidates to vote on';
  const counts = new Map<string, number>();
  for (const candidate of candidates) counts.set(candidate.status, (counts.get(candidate.status) ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count} ${status}`);
  const summary = `none of the ${candidates.length} candidates ran (${parts.join(', ')})`;
  // A refusal is the caller's or the flow's table limit: say which, so "forbidden" is not a riddle.
  const refused = candidates.find((candidate) => candidate.status === 'forbidden' && candidate.error);
  return refused ? `${summary}; refused: ${refused.error!.message}` : summary;
}

/** Why the vote is not sure enough to answer, or undefined when it answers. */
function notSure(
  outcome: VoteOutcome,
  candidates: number,
  params: { abstainBelow: number; minConfidence: number },
): string | undefined {
  const votes = outcome.winner?.votes ?? 0;
  const runnerUp = outcome.ranked[1] === undefined ? '' : `; the runner-up has ${outcome.ranked[1].votes}`;
  if (outcome.share < params.abstainBelow) {
    return `not sure: the top group has ${votes} of ${outcome.valid} valid votes (share ${outcome.share.toFixed(2)}), below abstainBelow ${params.abstainBelow}${runnerUp}`;
  }
  if (outcome.confidence < params.minConfidence) {
    return `not sure: the top group has ${votes} of ${candidates} votes (confidence ${outcome.confidence.toFixed(2)}), below the minimum ${params.minConfidence}${runnerUp}`;
  }
  return undefined;
}

export default defineNode({
  type: 'sql.vote',
  version: 1,
  title: 'Self-consistency vote',
  family: 'sql',
  lane: 'cpu',
  description:
    'Groups candidates by their result rows and answers with the best group: most votes, first seen on a tie (preset sql-r1, as SQL-R1), or with r1flow’s tuned selection (preset r1flow).',
  params: z.object({
    preset: z
      .enum(VOTE_PRESETS)
      .default('sql-r1')
      .describe(
        'sql-r1: SQL-R1’s vote exactly; r1flow: empty results and a lone 0 weigh less, the typical member answers',
      ),
    ...VoteOptionsSchema.partial().shape,
    /** Abstain when the winner's share of valid candidates (those that ran) is below this (0..1). */
    abstainBelow: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Say "not sure" below this share of valid votes'),
    /** Abstain when the winner's share of all candidates is below this (0..1). */
    minConfidence: z.number().min(0).max(1).default(0),
  }),
  inputs: { results: ExecutionResultsPort },
  outputs: {
    sql: optional(SqlText),
    rows: optional(RowsPort),
    confidence: Probability,
    /** Best first: the winner (or, abstained, the top group), then the runner-up, ... */
    clusters: VoteClustersPort,
    abstained: BooleanValue,
    reason: optional(Text),
    /** Winner's votes / valid candidates. */
    share: Probability,
    /** (Winner's votes - runner-up's) / valid candidates. */
    margin: NumberValue,
    valid: NumberValue,
    clusterCount: NumberValue,
  },
  async run({ params, inputs }) {
    const candidates = inputs.results.candidates;
    const { preset, abstainBelow, minConfidence, ...overrides } = params;
    const outcome = voteOnResults(candidates, resolveVoteOptions(preset, overrides));
    const { answer, winner, ranked, confidence, share, margin, valid } = outcome;
    const stats = { confidence, clusters: ranked, share, margin, valid, clusterCount: ranked.length };
    if (answer === null || winner === null) {
      return { ...stats, abstained: true, reason: describeFailures(candidates) };
    }
    const reason = notSure(outcome, candidates.length, { abstainBelow, minConfidence });
    if (reason !== undefined) return { ...stats, abstained: true, reason };
    return {
      ...stats,
      sql: winner.sql,
      rows: { columns: answer.columns, rows: answer.rows, truncated: answer.truncated },
      abstained: false,
    };
  },
});
