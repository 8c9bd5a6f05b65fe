// sql.execute@1: runs every candidate read-only in the SQL sandbox (child processes that are killed
// on timeout), with SQL-R1's 10 s timeout, a row cap and a byte cap, and records rows or the error
// of each. The run's id is its owner in the shared pool, so runs share the sandbox fairly.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { ExecutionResultsPort, SchemaContextPort, SqlCandidatesPort } from '../types.ts';
import { callerLimits } from './caller-limits.ts';
import { chargeQuery, executeCandidates } from './execute-candidates.ts';
import { executionDatabase } from './execution-database.ts';
import { sqlAuditor } from './sql-auditor.ts';
import { executorFor } from './warehouse-executor.ts';

const ExecuteParamsSchema = z.object({
  /** Per query, in ms; SQL-R1 and OmniSQL use 10 s. */
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  /** Rows read per query; more marks the result truncated. */
  maxRows: z.number().int().min(0).max(1_000_000).default(1000),
  /** Bytes of rows (as JSON) kept per candidate; more marks the result truncated by 'bytes'. 256 KiB keeps 8 candidates under the 1 MiB node output. */
  maxBytes: z
    .number()
    .int()
    .min(0)
    .max(16 * 1024 * 1024)
    .default(256 * 1024),
  /**
   * Cancel the candidates left once they cannot change the vote's answer; they answer `skipped`.
   * Off by default: sql.vote counts a skipped candidate as a failed one, so the confidence it
   * reports becomes a lower bound (and depends on which candidates finished first).
   */
  stopWhenDecided: z.boolean().default(false),
  /**
   * When set, a candidate reading any other table is `forbidden` (SQLite: its own compiler; PostgreSQL: the query's plan).
   * The run's caller may narrow it further (their role's tables, ctx.access), never widen it.
   */
  allowedTables: z.array(z.string().min(1)).optional(),
  /** This node's distinct queries in the sandbox at once; default all (the pool's size bounds them). */
  concurrency: z.number().int().min(1).max(64).optional(),
});

export default defineNode({
  type: 'sql.execute',
  version: 1,
  title: 'Execute candidates',
  family: 'sql',
  lane: 'sql',
  description:
    'Runs each distinct SQL candidate once on a read-only connection in a sandboxed child process, ' +
    'with a timeout, a row cap and a byte cap; records rows, error or timeout per candidate; optionally ' +
    'skips the candidates left once they cannot change the vote.',
  params: ExecuteParamsSchema,
  inputs: { candidates: SqlCandidatesPort, schema: SchemaContextPort },
  outputs: { results: ExecutionResultsPort },
  async run({ params, inputs, ctx }) {
    const { dialect } = inputs.schema;
    const database = executionDatabase(ctx, inputs.schema);
    const executor = await executorFor(ctx, { database, dialect });
    const asked = inputs.candidates.candidates;
    const candidates = await executeCandidates(executor, database, asked, {
      ...params,
      ...callerLimits(ctx, database, params.allowedTables),
      signal: ctx.signal,
      owner: ctx.runId,
      audit: sqlAuditor(ctx, { database, dialect }, asked),
      onRan: (outcome) => chargeQuery(ctx, outcome),
      onProgress: (done, total) =>
        ctx.progress({ message: `ran ${done} of ${total} distinct queries`, fraction: done / total }),
    });
    return { results: { database, candidates } };
  },
});
