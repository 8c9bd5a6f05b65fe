import { describe, expect, test } from 'vitest';
import type { RunDetails, RunRecord } from '../../editor/src/api/api-types.ts';
import { findAnswer } from '../../editor/src/run/answer.ts';
import { numericColumns, sortRows } from '../../editor/src/run/table-rows.ts';

describe('the answer table', () => {
  const rows = [
    ['West', 46],
    ['Canada', 35],
    [null, 12],
    ['Midwest', null],
    ['item 10', 3],
    ['item 9', 4],
  ];

  test('sorts numbers as numbers, text naturally, empty cells last, either way', () => {
    expect(sortRows(rows, 1, 'asc').map((r) => r[1])).toEqual([3, 4, 12, 35, 46, null]);
    expect(sortRows(rows, 1, 'desc').map((r) => r[1])).toEqual([46, 35, 12, 4, 3, null]);
    expect(sortRows(rows, 0, 'asc').map((r) => r[0])).toEqual([
      'Canada',
      'item 9',
      'item 10',
      'Midwest',
      'West',
      null,
    ]);
  });

  test('charts only columns whose cells are all numbers', () => {
    expect(numericColumns(rows, 2)).toEqual([1]);
    expect(numericColumns([['a', '1']], 2)).toEqual([]);
  });

  test('the answer is found in the run output, else in a node output', () => {
    const answer = {
      question: 'q',
      sql: 'SELECT 1',
      columns: ['1'],
      rows: [[1]],
      truncated: false,
      confidence: 1,
    };
    const run = { output: { answer } } as unknown as RunRecord;
    expect(findAnswer(run, null)).toBe(answer);
    const details = { nodes: [{ output: { value: 3 } }, { output: { answer } }] } as unknown as RunDetails;
    expect(findAnswer({ output: null } as unknown as RunRecord, details)).toBe(answer);
    expect(findAnswer({ output: { value: 1 } } as unknown as RunRecord, null)).toBeNull();
  });
});
