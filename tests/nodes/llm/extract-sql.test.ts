import { describe, expect, it } from 'vitest';
import { extractLastSqlBlock, extractReasoning, toCandidate } from '../../../nodes/llm/extract-sql.ts';

describe('extractLastSqlBlock', () => {
  it('returns the trimmed SQL of an SQL-R1 answer', () => {
    const text =
      '<think>\ncount rows\n</think>\n<answer>\n```sql\n  SELECT count(*) FROM singer\n```\n</answer>';
    expect(extractLastSqlBlock(text)).toBe('SELECT count(*) FROM singer');
  });

  it('takes the last of several blocks, wherever they are', () => {
    const text =
      '<think>```sql\nSELECT 1\n```</think><answer>```sql\nSELECT 2\n```</answer> and ```sql SELECT 3```';
    expect(extractLastSqlBlock(text)).toBe('SELECT 3');
  });

  it('keeps multi-line SQL as written', () => {
    expect(extractLastSqlBlock('```sql\nSELECT a\nFROM t\nWHERE b = 1;\n```')).toBe(
      'SELECT a\nFROM t\nWHERE b = 1;',
    );
  });

  it('gives null when there is no block, unlike SQL-R1 which votes ""', () => {
    expect(extractLastSqlBlock('<answer>SELECT 1</answer>')).toBeNull();
    expect(extractLastSqlBlock('')).toBeNull();
  });

  it('gives null for an empty or whitespace-only block', () => {
    expect(extractLastSqlBlock('```sql\n```')).toBeNull();
    expect(extractLastSqlBlock('```sql   \n\t\n```')).toBeNull();
    expect(extractLastSqlBlock('```sql```')).toBeNull();
  });

  it('is case-sensitive about the fence language, as SQL-R1 is', () => {
    expect(extractLastSqlBlock('```SQL\nSELECT 1\n```')).toBeNull();
  });

  it('does not take a block cut off by max_tokens', () => {
    expect(extractLastSqlBlock('<think>a</think><answer>```sql\nSELECT name FROM sing')).toBeNull();
    expect(extractLastSqlBlock('```sql\nSELECT 1\n```\n<answer>```sql\nSELECT na')).toBe('SELECT 1');
  });
});

describe('extractReasoning', () => {
  it('reads the text inside <think>', () => {
    expect(extractReasoning('<think>\n step one \n</think><answer>x</answer>')).toBe('step one');
  });

  it('takes everything after <think> when the response was truncated inside it', () => {
    expect(extractReasoning('<think>first, join the tables and')).toBe('first, join the tables and');
  });

  it('takes the text before </think> when the prompt pre-filled <think>', () => {
    expect(extractReasoning('look at singer\n</think>\n<answer>```sql\nSELECT 1\n```</answer>')).toBe(
      'look at singer',
    );
  });

  it('is empty when the response has no think tags', () => {
    expect(extractReasoning('```sql\nSELECT 1\n```')).toBe('');
  });

  it("prefers the server's reasoning_content", () => {
    expect(extractReasoning('```sql\nSELECT 1\n```', '  separate reasoning ')).toBe('separate reasoning');
    expect(extractReasoning('<think>inline</think>', '   ')).toBe('inline');
  });
});

describe('toCandidate', () => {
  it('keeps the raw text, index and finish reason beside the SQL', () => {
    const candidate = toCandidate({ text: '<think>r</think>```sql\nSELECT 1', finishReason: 'length' }, 3);
    expect(candidate).toEqual({
      index: 3,
      sql: null,
      reasoning: 'r',
      text: '<think>r</think>```sql\nSELECT 1',
      finishReason: 'length',
    });
  });
});
