import { describe, expect, it } from 'vitest';
import { summarizeVote, voteOnResults } from '../../../nodes/sql/vote-on-results.ts';
import type { Cell, ExecutedCandidate, ExecutionStatus } from '../../../nodes/types.ts';
import { ranCandidate } from './vote-candidates.ts';

let nextIndex = 0;

/** A candidate that ran and returned `rows`; indexes follow creation order unless given. */
function ran(sql: string, rows: Cell[][], extra: Partial<ExecutedCandidate> = {}): ExecutedCandidate {
  return ranCandidate(nextIndex++, sql, rows, extra);
}

function failed(status: ExecutionStatus, sql: string | null = 'SELECT broken'): ExecutedCandidate {
  return {
    index: nextIndex++,
    sql,
    status,
    columns: [],
    rows: [],
    rowCount: 0,
    truncated: false,
    error: { code: 'SQL_ERROR', message: status },
    durationMs: 1,
  };
}

function fresh<T>(build: () => T): T {
  nextIndex = 0;
  return build();
}

describe('SQL-R1 self-consistency vote', () => {
  it('answers with the largest group and its first member’s SQL', () => {
    const outcome = voteOnResults(
      fresh(() => [
        ran('SELECT 2', [[2]]),
        ran('SELECT 1', [[1]]),
        ran('SELECT 0 + 1', [[1]]),
        ran('SELECT 1 * 1', [[1]]),
      ]),
    );
    expect(outcome.winner).toEqual({ sql: 'SELECT 1', votes: 3, members: [1, 2, 3], rowCount: 1 });
    expect(outcome.answer?.index).toBe(1);
    expect(outcome.confidence).toBe(3 / 4);
    expect(outcome.clusters.map((cluster) => cluster.sql)).toEqual(['SELECT 2', 'SELECT 1']);
  });

  it('breaks a tie in favour of the group whose first member came first', () => {
    const outcome = voteOnResults(
      fresh(() => [ran('a1', [[1]]), ran('b1', [[2]]), ran('b2', [[2]]), ran('a2', [[1]])]),
    );
    expect(outcome.winner?.sql).toBe('a1');
    expect(outcome.winner?.votes).toBe(2);
  });

  it('follows the model’s order (candidate index), not the order results arrived in', () => {
    const [a1, b1, b2, a2] = fresh(() => [
      ran('a1', [[1]]),
      ran('b1', [[2]]),
      ran('b2', [[2]]),
      ran('a2', [[1]]),
    ]);
    const outcome = voteOnResults([b2!, a2!, b1!, a1!]);
    expect(outcome.winner?.sql).toBe('a1');
    expect(outcome.winner?.members).toEqual([0, 3]);
  });

  it('gives no answer when every candidate failed, and counts failures in the confidence', () => {
    const none = voteOnResults(fresh(() => [failed('error'), failed('timeout'), failed('empty', null)]));
    expect(none).toMatchObject({ winner: null, answer: null, clusters: [], confidence: 0, valid: 0 });
    expect(summarizeVote(fresh(() => [failed('error'), failed('forbidden')]))).toEqual({
      index: -1,
      sql: null,
      votes: 0,
      valid: 0,
    });

    const some = voteOnResults(
      fresh(() => [failed('error'), ran('SELECT 1', [[1]]), failed('readonly_violation')]),
    );
    expect(some.confidence).toBe(1 / 3);
    expect(some.valid).toBe(1);
  });

  it('ignores row order and duplicate rows', () => {
    const outcome = voteOnResults(
      fresh(() => [
        ran('ordered', [
          ['a', 1],
          ['b', 2],
        ]),
        ran('reversed', [
          ['b', 2],
          ['a', 1],
        ]),
        ran('duplicated', [
          ['a', 1],
          ['b', 2],
          ['a', 1],
        ]),
      ]),
    );
    expect(outcome.clusters).toHaveLength(1);
    expect(outcome.winner?.votes).toBe(3);
  });

  it('keeps column order: swapped columns are a different result', () => {
    const outcome = voteOnResults(fresh(() => [ran('name, age', [['a', 1]]), ran('age, name', [[1, 'a']])]));
    expect(outcome.clusters).toHaveLength(2);
  });

  it('treats 1 and 1.0 as the same value but the string "1" as a different one', () => {
    const outcome = voteOnResults(
      fresh(() => [ran('int', [[1]]), ran('real', [[1.0]]), ran('text', [['1']]), ran('bool', [[true]])]),
    );
    expect(outcome.clusters.map((cluster) => cluster.members)).toEqual([[0, 1, 3], [2]]);
  });

  it('counts an empty result set as a valid vote', () => {
    const outcome = voteOnResults(fresh(() => [ran('none', []), ran('nothing', []), ran('one', [[1]])]));
    expect(outcome.winner).toMatchObject({ sql: 'none', votes: 2, rowCount: 0 });
  });

  it('does not let a sample without SQL vote for the empty result (r1flow differs from SQL-R1 here)', () => {
    const outcome = voteOnResults(
      fresh(() => [failed('empty', null), failed('empty', null), ran('answer', [[1]]), ran('none', [])]),
    );
    expect(outcome.winner).toMatchObject({ sql: 'answer', votes: 1 });
    expect(outcome.valid).toBe(2);
  });

  it('lets results cut at the row cap vote only with other cut results showing the same rows', () => {
    const outcome = voteOnResults(
      fresh(() => [
        ran('complete', [[1], [2]]),
        ran('cut', [[1], [2]], { truncated: true, rowCount: 3 }),
        ran('cut too', [[2], [1]], { truncated: true, rowCount: 5 }),
      ]),
    );
    expect(outcome.clusters.map((cluster) => cluster.members)).toEqual([[0], [1, 2]]);
    expect(outcome.winner?.sql).toBe('cut');
  });

  it('summarizes the vote for `r1flow vote`', () => {
    const candidates = fresh(() => [failed('error'), ran('SELECT 1', [[1]]), ran('SELECT 1.0', [[1]])]);
    expect(summarizeVote(candidates)).toEqual({ index: 1, sql: 'SELECT 1', votes: 2, valid: 2 });
  });
});
