// Port types of the NL2SQL node pack. The names are what the editor shows and what flow
// validation compares, so they are stable; the zod schemas check every value a node emits.
import { z } from 'zod';
import { definePortType } from '../engine/ports.ts';
import { MAX_HISTORY_TURNS, type ThreadTurn } from '../engine/thread-turns.ts';

export const SqlText = definePortType('sql', z.string(), 'One SQL query');

/** Earlier turns of a follow-up's thread, oldest first (engine/thread-turns.ts builds them). */
export const ConversationSchema: z.ZodType<ThreadTurn[]> = z
  .array(z.object({ question: z.string(), sql: z.string() }))
  .max(MAX_HISTORY_TURNS);
export const ConversationPort = definePortType(
  'conversation',
  ConversationSchema,
  "The thread's earlier questions and the SQL chosen for each",
);

export const SchemaContextSchema = z.object({
  /**
   * Warehouse the schema was read from: the absolute path of a SQLite or DuckDB file, or
   * `connection:NAME` for a named connection (never a URL: it may carry a password).
   */
  database: z.string(),
  /** The SQL dialect of the warehouse; `sql.execute` picks its executor by it. */
  dialect: z.enum(['sqlite', 'postgres', 'duckdb']),
  /** SQL-R1 style pseudo-DDL: CREATE TABLE with `-- example: [...]` comments, PK/FK lines. */
  ddl: z.string(),
  /** Tables included in `ddl`, in the order rendered. */
  tables: z.array(z.string()),
  /** How each table was chosen (retrieval scores), for inspection. */
  retrieval: z
    .array(z.object({ table: z.string(), score: z.number(), reasons: z.array(z.string()) }))
    .default([]),
});
export type SchemaContext = z.output<typeof SchemaContextSchema>;
export const SchemaContextPort = definePortType('schema', SchemaContextSchema, 'Schema text for the prompt');

export const CandidateSchema = z.object({
  /** Position in the model's answer order (ties in the vote depend on it). */
  index: z.number().int().min(0),
  /** Last ```sql block of the sample, trimmed; null when the sample has none (SQL-R1 would vote it as ""). */
  sql: z.string().nullable(),
  /** Text of the <think> section (or reasoning_content), for explanations. */
  reasoning: z.string(),
  /** The raw sample text. */
  text: z.string(),
  finishReason: z.string().nullable(),
  /** Where the candidate came from (a model, a prompt), for `sql.vote`'s `sourceWeights`. */
  source: z.string().optional(),
});
export type Candidate = z.output<typeof CandidateSchema>;

export const SqlCandidatesSchema = z.object({
  candidates: z.array(CandidateSchema),
  model: z.string(),
  promptTokens: z.number().int().min(0).optional(),
  completionTokens: z.number().int().min(0).optional(),
});
export type SqlCandidates = z.output<typeof SqlCandidatesSchema>;
export const SqlCandidatesPort = definePortType(
  'sql-candidates',
  SqlCandidatesSchema,
  'Sampled SQL candidates',
);

export const CellSchema = z.union([z.string(), z.number(), z.null(), z.boolean()]);
export type Cell = z.output<typeof CellSchema>;

export const ExecutionStatusSchema = z.enum([
  'ok',
  'error',
  'timeout',
  'empty',
  'forbidden',
  'readonly_violation',
  /** Not run: the vote was already decided without it. */
  'skipped',
]);
export type ExecutionStatus = z.output<typeof ExecutionStatusSchema>;

export const ExecutedCandidateSchema = z.object({
  index: z.number().int().min(0),
  sql: z.string().nullable(),
  status: ExecutionStatusSchema,
  columns: z.array(z.string()),
  /** Rows as arrays of cells; BLOBs are rendered as hex strings `x'…'`; integers beyond 2^53 as strings. */
  rows: z.array(z.array(CellSchema)),
  /** Rows the query returned before the cap stopped reading (equals rows.length unless truncated). */
  rowCount: z.number().int().min(0),
  truncated: z.boolean(),
  /** Which cap cut the rows when truncated: the row cap or the byte cap. */
  truncatedBy: z.enum(['rows', 'bytes']).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  durationMs: z.number().min(0),
  /** The candidate's `source`, passed on for the vote. */
  source: z.string().optional(),
});
export type ExecutedCandidate = z.output<typeof ExecutedCandidateSchema>;

export const ExecutionResultsSchema = z.object({
  database: z.string(),
  candidates: z.array(ExecutedCandidateSchema),
});
export type ExecutionResults = z.output<typeof ExecutionResultsSchema>;
export const ExecutionResultsPort = definePortType(
  'execution-results',
  ExecutionResultsSchema,
  'Each candidate with its rows or error',
);

/** One round of sql.correct: the model re-asked with the failed queries, its answers run. */
export const CorrectionAttemptSchema = z.object({
  attempt: z.number().int().min(1),
  /** Prompt and completion tokens the server reported for the request, when it did. */
  promptTokens: z.number().int().min(0).optional(),
  completionTokens: z.number().int().min(0).optional(),
  /** Indexes the attempt's candidates got in the node's `results` (after every earlier one). */
  candidates: z.array(z.number().int().min(0)),
  /** Each candidate's execution status, in the same order. */
  statuses: z.array(ExecutionStatusSchema),
  durationMs: z.number().min(0),
  /** Why the attempt produced no candidates (the model server failed); correction stops there. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CorrectionAttempt = z.output<typeof CorrectionAttemptSchema>;
export const CorrectionAttemptsPort = definePortType(
  'correction-attempts',
  z.array(CorrectionAttemptSchema),
  'What each self-correction round asked and got',
);

export const RowsSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(CellSchema)),
  truncated: z.boolean().default(false),
});
export type Rows = z.output<typeof RowsSchema>;
export const RowsPort = definePortType('rows', RowsSchema, 'A result table');

export const VoteClusterSchema = z.object({
  /** SQL of the cluster's first member (SQL-R1 reports the first). */
  sql: z.string(),
  votes: z.number().int().min(1),
  /** Candidate indexes in this cluster, in model order. */
  members: z.array(z.number().int().min(0)),
  rowCount: z.number().int().min(0),
});
export const VoteClustersSchema = z.array(VoteClusterSchema);
export type VoteCluster = z.output<typeof VoteClusterSchema>;
export const VoteClustersPort = definePortType(
  'vote-clusters',
  VoteClustersSchema,
  'Candidates grouped by result',
);

export const Probability = definePortType('probability', z.number().min(0).max(1), 'A number from 0 to 1');

export const AnswerSchema = z.object({
  question: z.string(),
  sql: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.array(z.array(CellSchema)),
  truncated: z.boolean(),
  /** Rows the answer node received; more than rows.length when it capped them (a lower bound when the query's own cap cut them too). */
  totalRows: z.number().int().min(0).optional(),
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
  abstained: z.boolean(),
  reason: z.string().optional(),
  clusters: VoteClustersSchema.optional(),
});
export type Answer = z.output<typeof AnswerSchema>;
export const AnswerPort = definePortType('answer', AnswerSchema, 'The answer a person reads');
