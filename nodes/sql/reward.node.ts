// sql.reward: SQL-R1's reward for each sampled candidate against a gold query, for scoring runs
// and exporting RL data (see reward-sql-r1.ts for the rules and where r1flow differs).
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { definePortType } from '../../engine/ports.ts';
import { SchemaContextPort, SqlCandidatesPort, SqlText } from '../types.ts';
import { rewardSqlRunner } from './reward-runner.ts';
import { computeSqlR1Reward } from './reward-sql-r1.ts';

const CandidateRewardSchema = z.object({
  /** The candidate's position in the model's answer order. */
  index: z.number().int().min(0),
  outcome: z.enum(['format_error', 'unexecutable', 'mismatch', 'match', 'gold_error']),
  format: z.number(),
  execution: z.number(),
  result: z.number(),
  length: z.number(),
  /** null when the gold query failed: that is an evaluation error, not a score. */
  total: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const RewardsSchema = z.object({
  database: z.string(),
  rewards: z.array(CandidateRewardSchema),
  /** Mean total over the scored candidates; null when none was scored. */
  meanTotal: z.number().nullable(),
});
export type Rewards = z.output<typeof RewardsSchema>;
export const RewardsPort = definePortType('rewards', RewardsSchema, 'SQL-R1 reward of each candidate');

export default defineNode({
  type: 'sql.reward',
  version: 1,
  title: 'SQL-R1 reward',
  family: 'sql',
  // It runs SQL on the warehouse, so it goes where the warehouse files are.
  lane: 'sql',
  description:
    'Scores each candidate with SQL-R1’s reward: format ±1, execution ±2, result ±3, and a length bonus on a match.',
  params: z.object({
    /** Text the prompt pre-filled at the start of the response (SQL-R1's training prompt pre-fills "<think>\n"); put back before scoring. */
    responsePrefix: z.string().default(''),
  }),
  inputs: { candidates: SqlCandidatesPort, gold: SqlText, schema: SchemaContextPort },
  outputs: { rewards: RewardsPort },
  async run({ params, inputs, ctx }) {
    const runSql = await ctx.resources.get(rewardSqlRunner);
    const database = inputs.schema.database;
    const rewards = await Promise.all(
      inputs.candidates.candidates.map(async (candidate) => ({
        index: candidate.index,
        ...(await computeSqlR1Reward({
          response: params.responsePrefix + candidate.text,
          goldSql: inputs.gold,
          database,
          runSql,
        })),
      })),
    );
    const totals = rewards.flatMap((reward) => (reward.total === null ? [] : [reward.total]));
    const meanTotal =
      totals.length === 0 ? null : totals.reduce((sum, total) => sum + total, 0) / totals.length;
    return { rewards: { database, rewards, meanTotal } };
  },
});
