// Follow-up questions: the earlier turns of a thread as the model is shown them. A turn is a
// question and the SQL its run chose, read from the answer an output.answer node reported.
import type { RunRecord } from './store/records.ts';

export interface ThreadTurn {
  question: string;
  sql: string;
}

/** The run input key the thread's earlier turns travel under; trigger nodes emit it as a port. */
export const HISTORY_KEY = 'history';

/** What a run input carries at most: the thread's latest turns within this many turns and characters. */
export const MAX_HISTORY_TURNS = 10;
export const MAX_HISTORY_CHARS = 16_000;

/**
 * The question and chosen SQL of a run's answer, or null when it has none (failed, abstained,
 * or a flow without an answer). The answer sits in the run output, or under an output node's id
 * when the flow has several.
 */
export function turnOf(run: RunRecord): ThreadTurn | null {
  if (run.status !== 'succeeded' || typeof run.output !== 'object' || run.output === null) return null;
  for (const place of [run.output, ...Object.values(run.output)]) {
    const answer = (place as { answer?: unknown } | null)?.answer as Record<string, unknown> | undefined;
    if (typeof answer !== 'object' || answer === null || answer.abstained === true) continue;
    const { question, sql } = answer;
    if (typeof question === 'string' && typeof sql === 'string' && sql.trim() !== '')
      return { question, sql };
  }
  return null;
}

/**
 * The latest `maxTurns` turns (oldest first), then fewer while their text exceeds `maxChars`: the
 * oldest turns go first, as they matter least to the next question.
 */
export function latestTurns(turns: readonly ThreadTurn[], maxTurns: number, maxChars: number): ThreadTurn[] {
  const kept = maxTurns > 0 ? turns.slice(-maxTurns) : [];
  let chars = kept.reduce((sum, turn) => sum + turn.question.length + turn.sql.length, 0);
  while (kept.length > 0 && chars > maxChars) {
    const dropped = kept.shift()!;
    chars -= dropped.question.length + dropped.sql.length;
  }
  return kept;
}
