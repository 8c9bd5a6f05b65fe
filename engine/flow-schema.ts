// The flow document: JSON a user saves, the editor draws and the engine runs. Pure zod, no Node
// APIs, so the editor imports it too. Graph rules (cycles, ports, params) live in validate-flow.ts.
import { z } from 'zod';
import { PROJECT_NAME } from './projects.ts';

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const idMessage = 'must start with a letter or _ and use only letters, digits, _ and - (at most 64)';

export const NodeIdSchema = z.string().regex(ID_PATTERN, idMessage);

export const RetryOptionsSchema = z
  .object({
    /** Total tries, the first included. */
    attempts: z.number().int().min(1).max(20).default(1),
    /** Delay before the first retry; doubles each time, with jitter. */
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000),
  })
  .strict();

export const NodeOptionsSchema = z
  .object({
    retry: RetryOptionsSchema.optional(),
    /** Enforced where the node runs; the node's signal is aborted and the attempt fails with NODE_TIMEOUT. */
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
    /**
     * What a failure (after the last retry) does: `fail` the run (the default); `continue` with
     * `errorOutput` as the node's outputs; or `errorPort`: emit the error on an extra output port
     * `error` and skip the normal outputs' branch. See docs/error-handling.md.
     */
    onError: z
      .enum(['fail', 'continue', 'errorPort'])
      .optional()
      .describe('On failure: fail the run, continue with the error output, or follow the error port'),
    /** With `onError: 'continue'`: the outputs the failed node emits, checked against its ports. */
    errorOutput: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('With "continue": the outputs the node gives when it fails (one key per output port)'),
    /** Older spelling of `onError: 'continue'` without an error output; still accepted. */
    continueOnError: z.boolean().optional(),
  })
  .strict();

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

export const FlowNodeSchema = z
  .object({
    id: NodeIdSchema,
    /** `family.name@version`, e.g. `llm.generate@1`. */
    type: z
      .string()
      .regex(/^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+@[1-9][0-9]*$/, 'must look like "sql.vote@1"'),
    name: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    options: NodeOptionsSchema.default({}),
    position: PositionSchema.optional(),
  })
  .strict();

export const EdgeEndSchema = z.object({ node: NodeIdSchema, port: z.string().min(1).max(64) }).strict();

export const FlowEdgeSchema = z
  .object({
    id: z.string().min(1).max(128),
    from: EdgeEndSchema,
    to: EdgeEndSchema,
  })
  .strict();

/**
 * A flow's publish gate: questions with the SQL (or rows) a right answer has. Publishing runs
 * them through the evaluation code and refuses while fewer than `minExecutionAccuracy` match.
 */
export const TestQuestionSchema = z
  .object({
    question: z.string().min(1).max(2000),
    /** Scored as `r1flow eval` scores: the answer's SQL must return this query's result. */
    expectedSql: z.string().min(1).max(20_000).optional(),
    /** Or the result itself, compared as a bag of rows (column order free). */
    expectedRows: z
      .array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])))
      .max(10_000)
      .optional(),
  })
  .strict()
  .refine((q) => (q.expectedSql === undefined) !== (q.expectedRows === undefined), {
    message: 'give exactly one of expectedSql and expectedRows',
  });

export const FlowTestSetSchema = z
  .object({
    /** Share of questions (0 to 1) that must be answered right for a publish to go through. */
    minExecutionAccuracy: z.number().min(0).max(1),
    /** A database name in R1FLOW_WAREHOUSE_DIR, sent as each run's `database`; the host's warehouse when absent. */
    database: z.string().min(1).max(128).optional(),
    questions: z.array(TestQuestionSchema).min(1).max(200),
  })
  .strict();

const retentionDays = (what: string) =>
  z
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 (keep forever) or more days')
    .max(36_500, 'must be at most 36500 days (100 years); 0 keeps them forever')
    .optional()
    .describe(`Days ${what} runs are kept after they finish (0: forever)`);

/** How long this flow's finished runs are kept, instead of the server's defaults (see docs/store.md). */
export const FlowRetentionSchema = z
  .object({
    /** Succeeded and cancelled runs. */
    days: retentionDays('succeeded and cancelled'),
    failedDays: retentionDays('failed'),
  })
  .strict();

export const FlowDocumentSchema = z
  .object({
    id: NodeIdSchema,
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    /** The project the flow belongs to (who may read, change and run it); `default` when absent. */
    project: z
      .string()
      .regex(PROJECT_NAME, 'a project name is lower-case letters, digits, _ and -')
      .optional(),
    /** Assigned by the store on save; ignored on input. */
    version: z.number().int().min(1).optional(),
    nodes: z.array(FlowNodeSchema).max(2000),
    edges: z.array(FlowEdgeSchema).max(10000),
    /** Questions publishing must answer right (NL2SQL flows). */
    testSet: FlowTestSetSchema.optional(),
    /** Run retention for this flow; the server's defaults where absent. */
    retention: FlowRetentionSchema.optional(),
  })
  .strict();

export type RetryOptions = z.output<typeof RetryOptionsSchema>;
export type NodeOptions = z.output<typeof NodeOptionsSchema>;
export type FlowNode = z.output<typeof FlowNodeSchema>;
export type FlowEdge = z.output<typeof FlowEdgeSchema>;
export type FlowDocument = z.output<typeof FlowDocumentSchema>;
export type FlowTestSet = z.output<typeof FlowTestSetSchema>;
export type FlowRetention = z.output<typeof FlowRetentionSchema>;
/** What a user writes: defaults may be left out. */
export type FlowDocumentInput = z.input<typeof FlowDocumentSchema>;

export function splitNodeType(type: string): { type: string; version: number } {
  const at = type.lastIndexOf('@');
  return { type: type.slice(0, at), version: Number(type.slice(at + 1)) };
}
