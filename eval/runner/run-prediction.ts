// A finished run as an evaluation prediction: the SQL of the answer its output node gave, or an
// empty prediction with the reason (the run failed, the vote abstained, the flow gave no answer).
import type { RunRecord } from '../../engine/store/records.ts';
import { type Answer, AnswerSchema } from '../../nodes/types.ts';
import type { Prediction } from './predictor.ts';

/** The answer in a run's output: `{answer}` of one output node, or of any node when keyed by node id. */
function findAnswer(output: unknown): Answer | undefined {
  if (output === null || typeof output !== 'object') return undefined;
  const direct = AnswerSchema.safeParse((output as { answer?: unknown }).answer);
  if (direct.success) return direct.data;
  for (const value of Object.values(output)) {
    const nested = AnswerSchema.safeParse((value as { answer?: unknown } | null)?.answer);
    if (nested.success) return nested.data;
  }
  return undefined;
}

export function predictionFromRun(run: RunRecord): Prediction {
  const runId = run.id;
  if (run.status !== 'succeeded') {
    const error = run.error ?? { code: 'NODE_FAILED', message: `the run ended ${run.status}` };
    return {
      sql: '',
      runId,
      error: {
        code: error.code,
        message: error.message,
        ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }),
      },
    };
  }
  const answer = findAnswer(run.output);
  if (!answer) {
    const message = "the flow's output has no answer: end it with output.answer fed by sql.vote";
    return { sql: '', runId, error: { code: 'NODE_BAD_OUTPUT', message } };
  }
  const votes = Math.max(0, ...(answer.clusters ?? []).map((cluster) => cluster.votes));
  const scores = { runId, confidence: answer.confidence, votes };
  if (answer.abstained || answer.sql === null) {
    const message = answer.reason ?? 'the flow gave no SQL';
    return { sql: '', ...scores, error: { code: 'ABSTAINED', message } };
  }
  return { sql: answer.sql, ...scores };
}
