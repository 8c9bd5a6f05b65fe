import { describe, expect, test } from 'vitest';
import type { RunRecord } from '../../editor/src/api/api-types.ts';
import { earlierTurns, followUpInput, questionField } from '../../editor/src/run/follow-up.ts';

const run = (id: string, createdAt: number, question: string, sql: string | null): RunRecord => ({
  id,
  flowId: 'nl2sql',
  flowVersion: 1,
  project: 'default',
  status: 'succeeded',
  input: { question },
  output: {
    answer: { question, sql, columns: ['n'], rows: [[1]], truncated: false, abstained: sql === null },
  },
  error: null,
  trigger: { kind: 'api' },
  rerunOf: null,
  threadId: 'r1',
  idempotencyKey: null,
  startedBy: null,
  access: null,
  owner: null,
  leaseUntil: null,
  cancelRequested: false,
  cost: null,
  createdAt,
  startedAt: createdAt,
  finishedAt: createdAt + 1,
});

describe('follow-ups in the editor', () => {
  test('the follow-up goes into the question field, else the first text field, else nowhere', () => {
    const text = (name: string) => ({ name, type: 'string' as const, required: true });
    expect(questionField([text('database'), text('question')])).toBe('question');
    expect(questionField([{ name: 'n', type: 'integer', required: true }, text('ask')])).toBe('ask');
    expect(questionField([{ name: 'n', type: 'integer', required: true }])).toBeNull();
  });

  test("keeps the earlier run's other fields and leaves the history to the server", () => {
    const previous = {
      question: 'How many orders?',
      database: 'sales',
      history: [{ question: 'x', sql: 'y' }],
    };
    expect(followUpInput(previous, 'question', 'and only for 2023?')).toEqual({
      question: 'and only for 2023?',
      database: 'sales',
    });
    expect(followUpInput(null, 'question', 'and?')).toEqual({ question: 'and?' });
  });

  test("lists the thread's turns before the shown run, oldest first, with their SQL", () => {
    const first = run('r1', 1, 'How many orders were placed?', 'SELECT COUNT(*) FROM orders');
    const second = run('r2', 2, 'and only for 2023?', null);
    const third = run('r3', 3, 'and what about 2024?', 'SELECT 2024');
    const newestFirst = [third, second, first];
    expect(earlierTurns(newestFirst, third)).toEqual([
      {
        runId: 'r1',
        question: 'How many orders were placed?',
        sql: 'SELECT COUNT(*) FROM orders',
        status: 'succeeded',
      },
      { runId: 'r2', question: 'and only for 2023?', sql: null, status: 'succeeded' },
    ]);
    expect(earlierTurns(newestFirst, second).map((turn) => turn.runId)).toEqual(['r1']);
    expect(earlierTurns(newestFirst, first)).toEqual([]);
  });
});
