import { describe, expect, it } from 'vitest';
import { fuseRanks } from '../../../nodes/schema/rank-fusion.ts';

describe('reciprocal rank fusion', () => {
  it('scores an item 1/(k + rank) per ranking it appears in, ranks counted from 1', () => {
    const scores = fuseRanks(
      [
        ['a', 'b', 'c'],
        ['c', 'a'],
      ],
      60,
    );
    expect(scores.get('a')).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(scores.get('b')).toBeCloseTo(1 / 62, 12);
    expect(scores.get('c')).toBeCloseTo(1 / 63 + 1 / 61, 12);
  });

  it('ranks an item found by both searches above one found first by only one', () => {
    const scores = fuseRanks([
      ['bm25-only', 'both'],
      ['vector-only', 'both'],
    ]);
    const order = [...scores].sort((x, y) => y[1] - x[1]).map(([item]) => item);
    expect(order[0]).toBe('both');
  });

  it('a smaller k makes the top ranks count more', () => {
    const steep = fuseRanks([['a', 'b']], 1);
    const flat = fuseRanks([['a', 'b']], 1000);
    expect((steep.get('a') ?? 0) / (steep.get('b') ?? 1)).toBeCloseTo(1.5, 12);
    expect((flat.get('a') ?? 0) / (flat.get('b') ?? 1)).toBeCloseTo(1002 / 1001, 12);
  });

  it('fuses nothing into nothing', () => {
    expect(fuseRanks([[], []]).size).toBe(0);
  });
});
