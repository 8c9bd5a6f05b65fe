// sql.correct@1: self-correction between sql.execute and sql.vote. When every candidate failed
// (error, timeout, refused, no SQL), the model is asked again with the failed queries and their
// errors, up to `maxAttempts` times; otherwise the results pass through untouched, without a model
// call. `preset: 'sql-r1'` turns it off (SQL-R1 has no correction), which is what `--preset sql-r1`
// sets, so SQL-R1's numbers stay reproducible with the flow that corrects.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { Text } from '../../engine/ports.ts';
import { GenerateParamsSchema } from '../llm/generate-params.ts';
import { CorrectionAttemptsPort, ExecutionResultsPort, SchemaContextPort } from '../types.ts';
import { callerLimits } from './caller-limits.ts';
import { correctFailedCandidates, needsCorrection } from './correct-failed-candidates.ts';
import executeNode from './execute.node.ts';
import { executionDatabase } from './execution-database.ts';
import { VOTE_PRESETS } from './selection/vote-options.ts';
import { executorFor } from './warehouse-executor.ts';

/** sql.execute's limits, so a corrected query runs under the same rules as the first ones. */
const ExecutionLimitsSchema = executeNode.params.pick({
  timeoutMs: true,
  maxRows: true,
  maxBytes: true,
  allowedTables: true,
});

const CorrectParamsSchema = z
  .object({
    preset: z
      .enum(VOTE_PRESETS)
      .default('r1flow')
      .describe('r1flow: correct when every candidate failed; sql-r1: off (SQL-R1 has no correction)'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(2)
      .describe('Most times the model is asked again while nothing runs'),
    ...GenerateParamsSchema.shape,
    ...ExecutionLimitsSchema.shape,
  })
  .strict();

export default defineNode({
  type: 'sql.correct',
  version: 1,
  title: 'Self-correct failed candidates',
  family: 'sql',
  // It mostly waits on the model server.
  lane: 'llm',
  description:
    'When every candidate failed (error, timeout, no SQL), asks the model again with SQL-R1’s prompt plus ' +
    'each failed query and its error, runs the new candidates with sql.execute’s limits and repeats up to ' +
    'maxAttempts times. New candidates are appended after the old ones; each round is listed in corrections. ' +
    'When a candidate ran (an empty result counts), or under preset sql-r1, the results pass through.',
  params: CorrectParamsSchema,
  inputs: { results: ExecutionResultsPort, question: Text, schema: SchemaContextPort },
  outputs: { results: ExecutionResultsPort, corrections: CorrectionAttemptsPort },
  async run({ params, inputs, ctx }) {
    if (params.preset === 'sql-r1' || !needsCorrection(inputs.results.candidates)) {
      return { results: inputs.results, corrections: [] };
    }
    const { preset, maxAttempts, timeoutMs, maxRows, maxBytes, allowedTables, ...model } = params;
    const database = executionDatabase(ctx, inputs.schema);
    const executor = await executorFor(ctx, { database, dialect: inputs.schema.dialect });
    return correctFailedCandidates(
      { ...inputs, database, executor },
      {
        model,
        maxAttempts,
        limits: { timeoutMs, maxRows, maxBytes, ...callerLimits(ctx, database, allowedTables) },
      },
      ctx,
    );
  },
});
