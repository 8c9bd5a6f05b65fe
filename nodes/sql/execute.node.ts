// sql.execute@1: runs every candidate read-only in the SQL sandbox (child processes that are killed
// on timeout), with SQL-R1's 10 s timeout and a row cap, and records rows or the error of each.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { ExecutionResultsPort, SchemaContextPort, SqlCandidatesPort } from '../types.ts';
import { resolveWarehousePath } from '../warehouse/resolve-warehouse.ts';
import { executeCandidates } from './execute-candidates.ts';
import { sqlSandboxPoolResource } from './sandbox/sql-sandbox-resource.ts';

const ExecuteParamsSchema = z.object({
  /** Per query, in ms; SQL-R1 and OmniSQL use 10 s. */
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  /** Rows read per query; more marks the result truncated. */
  maxRows: z.number().int().min(0).max(1_000_000).default(1000),
  /** When set, a candidate reading any other table is `forbidden` (checked with SQLite's own compiler). */
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
    'with a timeout and a row cap; records rows, error or timeout per candidate.',
  params: ExecuteParamsSchema,
  inputs: { candidates: SqlCandidatesPort, schema: SchemaContextPort },
  outputs: { results: ExecutionResultsPort },
  async run({ params, inputs, ctx }) {
    const database = resolveWarehousePath(inputs.schema.database);
    const pool = await ctx.resources.get(sqlSandboxPoolResource);
    const candidates = await executeCandidates(pool, database, inputs.candidates.candidates, {
      ...params,
      signal: ctx.signal,
      onProgress: (done, total) =>
        ctx.progress({ message: `ran ${done} of ${total} distinct queries`, fraction: done / total }),
    });
    return { results: { database, candidates } };
  },
});
