// Reads the SQL and the reasoning out of a model's sample, the way SQL-R1 and OmniSQL
// (`parse_response` in their inference scripts) read them, with one deliberate difference.
import type { Sample } from '../../engine/model-client.ts';
import type { Candidate } from '../types.ts';

// SQL-R1's pattern `` ```sql\s*(.*?)\s*``` `` with re.DOTALL: case-sensitive, searched over the
// whole response (not only <answer>), and the last match wins.
const SQL_BLOCK = /```sql\s*(.*?)\s*```/gs;

/**
 * The last ```sql block of a sample, trimmed, or null. SQL-R1 returns "" when there is no block and
 * lets "" vote for the empty result; r1flow returns null for a missing or whitespace-only block so
 * the vote counts it as a failed `empty` candidate (SQLR1.md §9). A block cut off by `max_tokens`
 * has no closing fence and is not a match, as in SQL-R1.
 */
export function extractLastSqlBlock(text: string): string | null {
  let last: string | undefined;
  for (const match of text.matchAll(SQL_BLOCK)) last = match[1];
  const sql = last?.trim() ?? '';
  return sql === '' ? null : sql;
}

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';

/**
 * The sample's reasoning: the server's separate `reasoning_content` when it sent one, else the text
 * inside <think>…</think>. A response truncated inside its reasoning has no `</think>`: everything
 * after `<think>` is reasoning. Qwen-style prompts that pre-fill `<think>` leave only the closing tag,
 * so the text before `</think>` counts.
 */
export function extractReasoning(text: string, reasoningContent?: string): string {
  if (reasoningContent !== undefined && reasoningContent.trim() !== '') return reasoningContent.trim();
  const open = text.indexOf(THINK_OPEN);
  if (open >= 0) {
    const start = open + THINK_OPEN.length;
    const close = text.indexOf(THINK_CLOSE, start);
    return (close >= 0 ? text.slice(start, close) : text.slice(start)).trim();
  }
  const close = text.indexOf(THINK_CLOSE);
  return close >= 0 ? text.slice(0, close).trim() : '';
}

/** A sample as a candidate; `index` is its place in the model's order (vote ties depend on it). */
export function toCandidate(sample: Sample, index: number): Candidate {
  return {
    index,
    sql: extractLastSqlBlock(sample.text),
    reasoning: extractReasoning(sample.text, sample.reasoning),
    text: sample.text,
    finishReason: sample.finishReason,
  };
}
