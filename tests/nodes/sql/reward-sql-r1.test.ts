import { afterAll, describe, expect, it } from 'vitest';
import { computeSqlR1Reward } from '../../../nodes/sql/reward-sql-r1.ts';
import { createSqliteRunner } from '../../eval/support/sqlite-runner.ts';
import { createTempDatabase, SINGERS } from '../../eval/support/temp-database.ts';

const warehouse = createTempDatabase(SINGERS);
const runner = createSqliteRunner();
afterAll(() => {
  runner.close();
  warehouse.remove();
});

const GOLD = 'SELECT count(*) FROM singer';

function respond(think: string, sql: string): string {
  return `<think>${think}</think>\n<answer>\`\`\`sql\n${sql}\n\`\`\`</answer>`;
}

const reward = (response: string, goldSql = GOLD) =>
  computeSqlR1Reward({ response, goldSql, database: warehouse.file, runSql: runner.run });

describe('SQL-R1 reward', () => {
  it('gives a match +1 +2 +3 and a length bonus from the think and answer lengths', async () => {
    const think = 'Count the singers.';
    const sql = 'SELECT count(*) FROM singer';
    const answer = `\`\`\`sql\n${sql}\n\`\`\``;
    const result = await reward(respond(think, sql));
    const length = ((think.length + answer.length) / 2048) * 0.5 + sql.length / answer.length;
    expect(result).toMatchObject({ outcome: 'match', format: 1, execution: 2, result: 3 });
    expect(result.length).toBeCloseTo(length, 12);
    expect(result.total).toBeCloseTo(6 + length, 12);
  });

  it('caps the length part at 0.5 past 2048 characters and measures the SQL with whitespace collapsed', async () => {
    const sql = 'SELECT\n    count(*)\nFROM   singer';
    const answer = `\`\`\`sql\n${sql}\n\`\`\``;
    const result = await reward(respond('x'.repeat(3000), sql));
    expect(result.length).toBeCloseTo(0.5 + 'SELECT count(*) FROM singer'.length / answer.length, 12);
  });

  it('scores a mismatch 0: +1 format, +2 it ran, -3 wrong result, no length bonus', async () => {
    expect(await reward(respond('hmm', 'SELECT count(*) FROM singer WHERE age > 26'))).toEqual({
      outcome: 'mismatch',
      format: 1,
      execution: 2,
      result: -3,
      length: 0,
      total: 0,
    });
  });

  it('scores SQL that does not run -1: +1 format, -2 execution, with the error', async () => {
    const result = await reward(respond('hmm', 'SELECT count(*) FROM singers'));
    expect(result).toMatchObject({ outcome: 'unexecutable', format: 1, execution: -2, result: 0, total: -1 });
    expect(result.error?.message).toMatch(/no such table/);
  });

  it.each([
    ['no tags', '```sql\nSELECT 1\n```'],
    ['a second <think>', `<think>a</think><think>b</think><answer>\`\`\`sql\nSELECT 1\n\`\`\`</answer>`],
    ['answer before think', '<answer>```sql\nSELECT 1\n```</answer><think>a</think>'],
    ['no sql block in the answer', '<think>a</think><answer>SELECT count(*) FROM singer</answer>'],
    ['an empty sql block', '<think>a</think><answer>```sql\n \n```</answer>'],
  ])('fails the format with %s: -1 and nothing runs', async (_, response) => {
    expect(await reward(response)).toEqual({
      outcome: 'format_error',
      format: -1,
      execution: 0,
      result: 0,
      length: 0,
      total: -1,
    });
  });

  it('reads the response after SQL-R1’s assistant header, so a pre-filled <think> counts', async () => {
    const prompt = '<|im_start|>user\nHow many singers?<|im_end|>\n<|im_start|>assistant\n<think>\n';
    const completion = `Count them.</think>\n<answer>\`\`\`sql\n${GOLD}\n\`\`\`</answer>`;
    expect((await reward(prompt + completion)).outcome).toBe('match');
    expect(
      (
        await reward(
          `System: <think> is how you think.\nAssistant: <think>a</think><answer>\`\`\`sql\n${GOLD}\n\`\`\`</answer>`,
        )
      ).outcome,
    ).toBe('match');
    // A completion that opens its own <think> after a pre-filled one has two: SQL-R1 fails it.
    expect((await reward(`${prompt}<think>${completion}`)).outcome).toBe('format_error');
  });

  it('scores a bare response (no header) as the response itself instead of failing', async () => {
    expect((await reward(respond('a', GOLD))).outcome).toBe('match');
  });

  it('reports a gold query that fails as an evaluation error with no score (SQL-R1 would call it a match)', async () => {
    const result = await reward(respond('a', GOLD), 'SELECT count(*) FROM singers');
    expect(result).toMatchObject({ outcome: 'gold_error', total: null, execution: 0, result: 0 });
    expect(result.error?.message).toMatch(/no such table/);
  });
});
