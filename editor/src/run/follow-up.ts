// Follow-up questions in the editor: the input of the next turn (the shown run's input with the
// new question), and the earlier turns of the shown run's thread.
import type { RunRecord } from '../api/api-types.ts';
import { findAnswer } from './answer.ts';
import type { InputField } from './run-input.ts';

/** The field a follow-up's text goes into: `question`, else the first text field; null if none. */
export function questionField(fields: readonly InputField[]): string | null {
  return (
    fields.find((field) => field.name === 'question' && field.type === 'string')?.name ??
    fields.find((field) => field.type === 'string')?.name ??
    null
  );
}

/**
 * The next turn's input: the earlier run's other fields (e.g. its database) with the new
 * question. `history` is left out: the server fills it in from the thread.
 */
export function followUpInput(previous: unknown, field: string, question: string): Record<string, unknown> {
  const kept = typeof previous === 'object' && previous !== null && !Array.isArray(previous) ? previous : {};
  const { history: _filledByServer, ...rest } = kept as Record<string, unknown>;
  return { ...rest, [field]: question };
}

export interface ThreadTurnView {
  runId: string;
  question: string;
  sql: string | null;
  status: RunRecord['status'];
}

/** The turns of a thread before `shown`, oldest first, from the thread's runs (newest first). */
export function earlierTurns(threadRuns: readonly RunRecord[], shown: RunRecord): ThreadTurnView[] {
  return threadRuns
    .filter((run) => run.id !== shown.id && run.createdAt <= shown.createdAt)
    .reverse()
    .map((run) => {
      const answer = findAnswer(run, null);
      const asked = (run.input as { question?: unknown } | null)?.question;
      return {
        runId: run.id,
        question: answer?.question || (typeof asked === 'string' ? asked : ''),
        sql: answer?.sql ?? null,
        status: run.status,
      };
    });
}
