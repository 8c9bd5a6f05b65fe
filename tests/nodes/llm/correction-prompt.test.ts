import { describe, expect, it } from 'vitest';
import {
  buildCorrectionPrompt,
  CORRECTION_HEADER,
  correctedPromptBase,
  MAX_FAILURES_SHOWN,
  MAX_SQL_CHARS,
} from '../../../nodes/llm/correction-prompt.ts';
import { buildSqlR1Prompt, findPromptQuestion, wrapInQwenChat } from '../../../nodes/llm/sql-r1-prompt.ts';
import type { ExecutedCandidate, ExecutionStatus } from '../../../nodes/types.ts';

const SCHEMA = 'CREATE TABLE singer (\n    name text\n);';
const QUESTION = 'Name every singer.';

function failed(
  index: number,
  sql: string | null,
  status: ExecutionStatus,
  message: string,
): ExecutedCandidate {
  return {
    index,
    sql,
    status,
    columns: [],
    rows: [],
    rowCount: 0,
    truncated: false,
    error: { code: 'X', message },
    durationMs: 1,
  };
}

describe('the self-correction prompt', () => {
  const prompt = buildCorrectionPrompt({
    schema: SCHEMA,
    question: QUESTION,
    failed: [
      failed(0, 'SELECT nam FROM singer', 'error', 'no such column: nam'),
      failed(1, null, 'empty', 'the sample has no ```sql block with a query'),
      failed(2, 'SELECT nam FROM singer', 'error', 'no such column: nam'),
      failed(3, 'SELECT name FROM singer, singer, singer', 'timeout', 'ran past 10000 ms'),
    ],
  });

  it("is SQL-R1's prompt unchanged, then each distinct failed query with its error, then the request", () => {
    const base = buildSqlR1Prompt({ schema: SCHEMA, question: QUESTION });
    expect(prompt.startsWith(`${base}${CORRECTION_HEADER}`)).toBe(true);
    const correction = prompt.slice(base.length);
    expect(correction).toContain(
      'Failed query 1:\n```sql\nSELECT nam FROM singer\n```\nError: error: no such column: nam\n',
    );
    expect(correction).toContain(
      'Failed query 2:\n```sql\nSELECT name FROM singer, singer, singer\n```\nError: timeout: ran past 10000 ms\n',
    );
    expect(correction).not.toContain('Failed query 3');
    expect(correction).toContain('1 of the answers had no SQL query');
    expect(correction).toContain('<think> </think>');
    expect(correction).toContain('```sql ``` block');
  });

  it('keeps its question findable and its SQL-R1 part separable, also in ChatML', () => {
    const chat = wrapInQwenChat(prompt);
    expect(findPromptQuestion(chat)).toBe(QUESTION);
    expect(correctedPromptBase(chat)).toBe(
      wrapInQwenChat(buildSqlR1Prompt({ schema: SCHEMA, question: QUESTION })).split(
        '<|im_end|>\n<|im_start|>assistant',
      )[0],
    );
    expect(
      correctedPromptBase(wrapInQwenChat(buildSqlR1Prompt({ schema: SCHEMA, question: QUESTION }))),
    ).toBeNull();
  });

  it('shows at most the latest failures, each cut to a bounded length', () => {
    const many = Array.from({ length: MAX_FAILURES_SHOWN + 3 }, (_, i) =>
      failed(
        i,
        `SELECT ${i} ${'x'.repeat(i === MAX_FAILURES_SHOWN + 2 ? MAX_SQL_CHARS * 2 : 0)}`,
        'error',
        'bad',
      ),
    );
    const bounded = buildCorrectionPrompt({ schema: SCHEMA, question: QUESTION, failed: many });
    expect(bounded).toContain(`Failed query ${MAX_FAILURES_SHOWN}:`);
    expect(bounded).not.toContain(`Failed query ${MAX_FAILURES_SHOWN + 1}:`);
    expect(bounded).not.toContain('SELECT 2 ');
    expect(bounded).toContain('SELECT 3 ');
    expect(bounded).toContain('…(cut)');
    expect(bounded.length).toBeLessThan(
      buildSqlR1Prompt({ schema: SCHEMA, question: QUESTION }).length + 12_000,
    );
  });
});
