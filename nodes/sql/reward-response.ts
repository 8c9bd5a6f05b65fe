// How SQL-R1's reward reads a model response (verl/utils/reward_score/synsql.py:
// `extract_solution`, `validate_response_structure`, `parse_sql_from_answer`).
// - SQL-R1 scores the decoded prompt+response and keeps the text after the first "Assistant:",
//   else after the first "<|im_start|>assistant". Where neither header is present SQL-R1 raises
//   (its extract_solution returns two values where three are unpacked); r1flow scores a bare
//   response as it is: the whole text is the response.
// - The format passes when <think>, </think>, <answer>, </answer> each occur exactly once, in
//   that order, and the answer holds a non-empty last ```sql … ``` block (no \s* after "sql").

const HEADERS = ['Assistant:', '<|im_start|>assistant'] as const;
const TAGS = ['<think>', '</think>', '<answer>', '</answer>'] as const;

export interface SqlR1Response {
  /** The text the format is checked on (after the header, when there is one). */
  response: string;
  /** Last <think>…</think> content, stripped; null without one. */
  think: string | null;
  /** Last <answer>…</answer> content, stripped; null without one. */
  answer: string | null;
  /** Last ```sql block of the answer, stripped; null when the format fails. */
  sql: string | null;
  formatOk: boolean;
}

function lastGroup(text: string, pattern: RegExp): string | null {
  const match = [...text.matchAll(pattern)].at(-1);
  return match?.[1] === undefined ? null : match[1].trim();
}

function afterHeader(text: string): string {
  for (const header of HEADERS) {
    const at = text.indexOf(header);
    if (at >= 0) return text.slice(at + header.length);
  }
  return text;
}

export function readSqlR1Response(text: string): SqlR1Response {
  const response = afterHeader(text);
  const think = lastGroup(response, /<think>([\s\S]*?)<\/think>/g);
  const answer = lastGroup(response, /<answer>([\s\S]*?)<\/answer>/g);

  const positions = TAGS.map((tag) => response.indexOf(tag));
  const onceEach = TAGS.every((tag) => response.split(tag).length - 1 === 1);
  const inOrder = positions.every((position, i) => i === 0 || (positions[i - 1] as number) <= position);
  const sql = onceEach && inOrder && answer !== null ? lastGroup(answer, /```sql([\s\S]*?)```/g) : null;
  const formatOk = sql !== null && sql !== '';
  return { response, think, answer, sql: formatOk ? sql : null, formatOk };
}
