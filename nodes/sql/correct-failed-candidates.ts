// What sql.correct does. When no candidate ran (every one is an error, a timeout, refused or has no
// SQL), the model is asked again with SQL-R1's prompt plus the failed queries and their errors, its
// new candidates run on the same warehouse, and this repeats until one runs or `maxAttempts` is
// spent. The new candidates are APPENDED, numbered after every earlier one: failures never vote, so
// the vote's winner is the same as if they replaced the originals, while its `confidence` (votes
// over all candidates) stays honest about how many samples it took.
import type { NodeContext } from '../../engine/define-node.ts';
import { R1flowError, serializeError } from '../../engine/errors.ts';
import { buildCorrectionPrompt } from '../llm/correction-prompt.ts';
import type { GenerateParams } from '../llm/generate-params.ts';
import { sampleForMessage } from '../llm/sample-candidates.ts';
import type { CorrectionAttempt, ExecutedCandidate, ExecutionResults, SchemaContext } from '../types.ts';
import {
  chargeQuery,
  type ExecuteLimits,
  executeCandidates,
  type SqlExecutor,
} from './execute-candidates.ts';
import { sqlAuditor } from './sql-auditor.ts';

export interface CorrectionSettings {
  model: GenerateParams;
  maxAttempts: number;
  limits: ExecuteLimits;
}

export interface CorrectionTask {
  results: ExecutionResults;
  question: string;
  schema: SchemaContext;
  /** Where the new candidates run (sql.execute's rule, see execution-database.ts). */
  database: string;
  executor: SqlExecutor;
}

export type CorrectionOutputs = {
  results: ExecutionResults;
  corrections: CorrectionAttempt[];
};

/** An empty result set is an answer, not a failure: only a candidate that ran counts. */
export function needsCorrection(candidates: readonly ExecutedCandidate[]): boolean {
  return !candidates.some((candidate) => candidate.status === 'ok');
}

export async function correctFailedCandidates(
  task: CorrectionTask,
  settings: CorrectionSettings,
  ctx: NodeContext,
): Promise<CorrectionOutputs> {
  const candidates = [...task.results.candidates];
  const corrections: CorrectionAttempt[] = [];
  for (let attempt = 1; attempt <= settings.maxAttempts && needsCorrection(candidates); attempt++) {
    ctx.progress({
      message: `correction ${attempt} of ${settings.maxAttempts}: asking again with ${candidates.length} failed candidates`,
      fraction: (attempt - 1) / settings.maxAttempts,
    });
    const record = await correctOnce(task, settings, ctx, candidates, attempt);
    corrections.push(record);
    if (record.error) {
      ctx.progress({ message: `correction ${attempt} stopped: ${record.error.message}` });
      break;
    }
    const ran = record.statuses.filter((status) => status === 'ok').length;
    ctx.progress({
      message: `correction ${attempt}: ${ran} of ${record.statuses.length} new candidates ran`,
      fraction: attempt / settings.maxAttempts,
    });
  }
  return { results: { database: task.database, candidates }, corrections };
}

/** One round; appends its executed candidates to `candidates`. */
async function correctOnce(
  task: CorrectionTask,
  settings: CorrectionSettings,
  ctx: NodeContext,
  candidates: ExecutedCandidate[],
  attempt: number,
): Promise<CorrectionAttempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const message = buildCorrectionPrompt({
    schema: task.schema.ddl,
    question: task.question,
    externalKnowledge: settings.model.externalKnowledge,
    failed: candidates,
  });
  let sampled: Awaited<ReturnType<typeof sampleForMessage>>;
  try {
    sampled = await sampleForMessage({ params: settings.model, ctx }, message);
  } catch (error) {
    // A cancelled run stops here; a failing model server ends correction, and the vote answers
    // from what ran before (nothing), as it would have without this node.
    if (ctx.signal.aborted) throw cancelled(ctx, error);
    const { code, message } = serializeError(error, 'LLM_HTTP_ERROR');
    return { attempt, candidates: [], statuses: [], durationMs: elapsed(), error: { code, message } };
  }
  const offset = candidates.length;
  const fresh = sampled.candidates.candidates.map((candidate, i) => ({ ...candidate, index: offset + i }));
  const warehouse = { database: task.database, dialect: task.schema.dialect };
  const executed = await executeCandidates(task.executor, task.database, fresh, {
    ...settings.limits,
    signal: ctx.signal,
    owner: ctx.runId,
    audit: sqlAuditor(ctx, warehouse, fresh),
    onRan: (outcome) => chargeQuery(ctx, outcome),
  });
  if (ctx.signal.aborted) throw cancelled(ctx, ctx.signal.reason);
  candidates.push(...executed);
  const tokens = sampled.candidates;
  return {
    attempt,
    ...(tokens.promptTokens === undefined ? {} : { promptTokens: tokens.promptTokens }),
    ...(tokens.completionTokens === undefined ? {} : { completionTokens: tokens.completionTokens }),
    candidates: executed.map((candidate) => candidate.index),
    statuses: executed.map((candidate) => candidate.status),
    durationMs: elapsed(),
  };
}

/** The signal's own reason when it is an error (the engine's NODE_CANCELLED or timeout), else one. */
function cancelled(ctx: NodeContext, cause: unknown): unknown {
  const reason: unknown = ctx.signal.reason;
  if (reason instanceof Error) return reason;
  return new R1flowError('NODE_CANCELLED', `${ctx.nodeId} was cancelled during self-correction`, { cause });
}
