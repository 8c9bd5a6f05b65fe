import { describe, expect, it } from 'vitest';
import { resultsEqual } from '../../../eval/scoring/result-eq.ts';

describe('test-suite result comparison', () => {
  it('compares rows as bags: same rows in another order match, different multiplicities do not', () => {
    expect(resultsEqual([[1], [2], [3]], [[3], [1], [2]], false)).toBe(true);
    expect(resultsEqual([[1], [1], [2]], [[1], [2], [2]], false)).toBe(false);
    expect(resultsEqual([[1], [2]], [[1], [2], [2]], false)).toBe(false);
  });

  it('compares row order only when asked to', () => {
    expect(resultsEqual([[1], [2]], [[2], [1]], true)).toBe(false);
    expect(resultsEqual([[1], [2]], [[1], [2]], true)).toBe(true);
  });

  it('accepts the prediction’s columns in another order', () => {
    const gold = [
      ['Joe', 30, 'x'],
      ['Ann', 25, 'y'],
    ];
    const pred = [
      [25, 'y', 'Ann'],
      [30, 'x', 'Joe'],
    ];
    expect(resultsEqual(gold, pred, false)).toBe(true);
    expect(resultsEqual(gold, [pred[1]!, pred[0]!], true)).toBe(true);
    expect(resultsEqual(gold, pred, true)).toBe(false);
  });

  it('needs one column order for every row, not a different one per row', () => {
    const gold = [
      [1, 2],
      [3, 4],
    ];
    expect(
      resultsEqual(
        gold,
        [
          [2, 1],
          [3, 4],
        ],
        false,
      ),
    ).toBe(false);
  });

  it('searches column orders of wide results (more than three columns) too', () => {
    const gold = [
      [1, 'a', 2, 'b', null],
      [3, 'c', 4, 'd', 5],
    ];
    const pred = gold.map((row) => [...row].reverse());
    expect(resultsEqual(gold, pred, false)).toBe(true);
    expect(resultsEqual(gold, [pred[0]!, pred[0]!], false)).toBe(false);
  });

  it('counts two empty results as a match, and an empty result against rows as a mismatch', () => {
    expect(resultsEqual([], [], true)).toBe(true);
    expect(resultsEqual([], [[1]], false)).toBe(false);
    expect(resultsEqual([[null]], [], false)).toBe(false);
  });

  it('needs the same number of columns', () => {
    expect(resultsEqual([[1, 2]], [[1, 2, 2]], false)).toBe(false);
  });

  it('uses plain equality: 1 equals 1.0, "1" is not 1, and there is no float tolerance', () => {
    expect(resultsEqual([[1]], [[1.0]], false)).toBe(true);
    expect(resultsEqual([['1']], [[1]], false)).toBe(false);
    expect(resultsEqual([[0.1 + 0.2]], [[0.3]], false)).toBe(false);
    expect(resultsEqual([[null]], [[null]], false)).toBe(true);
    expect(resultsEqual([[null]], [['']], false)).toBe(false);
  });
});
