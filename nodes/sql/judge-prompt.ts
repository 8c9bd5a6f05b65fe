// sql.judge's prompt and the answer format it asks for. The model sees the question, the schema,
// and two candidates (SQL and the first rows of each result) and must end with `Answer: A` or
// `Answer: B`. The question section sits between two fixed sentences, so sim-llm can find the
// question a judge prompt is about and play back a scripted verdict.
import type { Cell } from '../types.ts';

const OPENING =
  'Two SQL queries were written for the same question over the same database, and they return ' +
  'different results. Decide which result answers the question.\n\nQuestion:\n';
const QUESTION_CLOSING = '\n\nDatabase schema:\n';
const INSTRUCTION =
  'Compare what each query computes with what the question asks. Reply with your reasoning, then a ' +
  'last line that is exactly "Answer: A" or "Answer: B".';

/** Longest cell text in a preview; longer cells end with an ellipsis. */
const CELL_CHARS = 80;

export interface JudgeCandidate {
  sql: string;
  /** Candidates whose result this is. */
  votes: number;
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
  /** Rows the query returned (more than rows.length when the preview or a cap cut them). */
  rowCount: number;
}

export interface JudgePromptInput {
  question: string;
  /** Pseudo-DDL of the schema; left out of the prompt when absent. */
  schema?: string | undefined;
  a: JudgeCandidate;
  b: JudgeCandidate;
  /** Rows of each result shown. */
  previewRows: number;
}

export function buildJudgePrompt(input: JudgePromptInput): string {
  const schema = input.schema?.trim() ? input.schema.trim() : '(not given)';
  return (
    OPENING +
    input.question +
    QUESTION_CLOSING +
    schema +
    '\n\n' +
    renderCandidate('A', input.a, input.previewRows) +
    '\n\n' +
    renderCandidate('B', input.b, input.previewRows) +
    '\n\n' +
    INSTRUCTION
  );
}

function renderCandidate(label: string, candidate: JudgeCandidate, previewRows: number): string {
  const shown = candidate.rows.slice(0, previewRows);
  const votes = `${candidate.votes} sample${candidate.votes === 1 ? '' : 's'}`;
  const heading =
    candidate.rowCount === 0
      ? 'Result: no rows'
      : `Result (${shown.length} of ${candidate.rowCount} row${candidate.rowCount === 1 ? '' : 's'}):`;
  const table =
    candidate.rowCount === 0 || shown.length === 0
      ? []
      : [candidate.columns.join(' | '), ...shown.map((row) => row.map(renderCell).join(' | '))];
  return [`Candidate ${label} (${votes} wrote it):`, '```sql', candidate.sql, '```', heading, ...table].join(
    '\n',
  );
}

function renderCell(cell: Cell): string {
  const text = cell === null ? 'NULL' : String(cell).replace(/\s+/g, ' ');
  return text.length <= CELL_CHARS ? text : `${text.slice(0, CELL_CHARS - 1)}…`;
}

/** The question of a judge prompt, or null when `prompt` is not one. */
export function findJudgeQuestion(prompt: string): string | null {
  if (!prompt.startsWith(OPENING)) return null;
  const end = prompt.indexOf(QUESTION_CLOSING, OPENING.length);
  return end < 0 ? null : prompt.slice(OPENING.length, end);
}

export type JudgeReply = { choice: 'A' | 'B' } | { problem: string };

// "Answer: A", "answer is **B**", "ANSWER - A": the word, an optional "is" or separator, the letter
// in capitals (a lower-case "a" is an article more often than a verdict).
const VERDICT = /\banswer\b(?:\s+is)?\s*[:：=-]?\s*[*"'`(]*\s*([AB])(?![A-Za-z0-9])/gi;

/**
 * The verdict in a judge's reply: its `Answer: A|B` lines after any <think> section, or a reply
 * that is only the letter. No verdict, or verdicts naming both, is a problem, never a guess.
 */
export function parseJudgeAnswer(reply: string): JudgeReply {
  const text = reply.replace(/^[\s\S]*<\/think>/, '').trim();
  const letters = new Set<string>();
  for (const match of text.matchAll(VERDICT)) if (match[1] === 'A' || match[1] === 'B') letters.add(match[1]);
  if (letters.size === 0) {
    const bare = /^[*"'`(\s]*([AB])[*"'`).\s]*$/.exec(text);
    if (bare?.[1] === 'A' || bare?.[1] === 'B') return { choice: bare[1] };
    return { problem: 'the reply has no "Answer: A" or "Answer: B"' };
  }
  if (letters.size > 1) return { problem: 'the reply answers both A and B' };
  return { choice: [...letters][0] as 'A' | 'B' };
}
