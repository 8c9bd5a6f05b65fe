// A run's answer as CSV (RFC 4180) for download: the answer output.answer emitted, its column
// names as the header row, CRLF line ends, and cells that a spreadsheet would run as a formula
// defused.
import { R1flowError } from '../../engine/errors.ts';
import type { RunRecord } from '../../engine/store/records.ts';
import { type Answer, AnswerSchema, type Cell } from '../../nodes/types.ts';

/**
 * The answer of a finished run: output.answer's `answer` in the run's output (the output itself
 * when the flow has one output node, keyed by node id when it has several).
 * Throws RUN_NO_ANSWER when the run is not finished, failed, has no answer or abstained.
 */
export function runAnswer(run: RunRecord): Answer {
  if (run.status !== 'succeeded') {
    throw new R1flowError('RUN_NO_ANSWER', `run "${run.id}" has no answer: it is ${run.status}`);
  }
  const output = run.output as Record<string, unknown> | null;
  const places = output && typeof output === 'object' ? [output, ...Object.values(output)] : [];
  for (const place of places) {
    const parsed = AnswerSchema.safeParse((place as { answer?: unknown } | null)?.answer);
    if (!parsed.success) continue;
    if (parsed.data.abstained) {
      throw new R1flowError(
        'RUN_NO_ANSWER',
        `run "${run.id}" has no answer: it abstained (${parsed.data.reason ?? 'no reason given'})`,
      );
    }
    return parsed.data;
  }
  throw new R1flowError(
    'RUN_NO_ANSWER',
    `run "${run.id}" has no answer: its flow emits none (output.answer)`,
  );
}

export function answerToCsv(answer: Pick<Answer, 'columns' | 'rows'>): string {
  const lines = [answer.columns, ...answer.rows].map((row) => row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// Spreadsheets run a cell starting with = + - @ (or tab/CR, which some strip first) as a formula
// (CSV injection, OWASP): such text cells get a leading single quote so they stay text. Numbers
// are left alone, so -3 stays a number.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(cell: Cell | string): string {
  if (cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
