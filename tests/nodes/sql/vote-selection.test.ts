import { describe, expect, it } from 'vitest';
import {
  PRESET_OPTIONS,
  parseVotePreset,
  resolveVoteOptions,
  type VoteOptions,
} from '../../../nodes/sql/selection/vote-options.ts';
import { voteOnResults } from '../../../nodes/sql/vote-on-results.ts';
import type { Cell, ExecutedCandidate } from '../../../nodes/types.ts';
import { ranCandidate } from './vote-candidates.ts';

const SQL_R1 = PRESET_OPTIONS['sql-r1'];
const withOptions = (options: Partial<VoteOptions>): VoteOptions => ({ ...SQL_R1, ...options });

/** Candidates in model order: each `[sql, rows, source?]` ran and returned `rows`. */
function ran(...specs: [string, Cell[][], string?][]): ExecutedCandidate[] {
  return specs.map(([sql, rows, source], index) =>
    ranCandidate(index, sql, rows, source === undefined ? {} : { source }),
  );
}

const winnerSql = (candidates: ExecutedCandidate[], options: VoteOptions) =>
  voteOnResults(candidates, options).winner?.sql;

describe('vote selection options', () => {
  it('emptyResultWeight: an empty result’s votes count less, so 2 rows beat 3 empty results at 0.5', () => {
    const candidates = ran(['e1', []], ['e2', []], ['e3', []], ['r1', [[1]]], ['r2', [[1]]]);
    expect(winnerSql(candidates, SQL_R1)).toBe('e1');
    expect(winnerSql(candidates, withOptions({ emptyResultWeight: 0.75 }))).toBe('e1');
    expect(winnerSql(candidates, withOptions({ emptyResultWeight: 0.5 }))).toBe('r1');
  });

  it('emptyResultWeight does nothing when the only result is empty', () => {
    const candidates = ran(['e1', []], ['e2', []]);
    expect(voteOnResults(candidates, withOptions({ emptyResultWeight: 0 }))).toMatchObject({
      winner: { sql: 'e1', votes: 2 },
      share: 1,
    });
  });

  it('nullOnlyWeight: a result of NULLs only (MAX over nothing) weighs less than real values', () => {
    const candidates = ran(['n1', [[null]]], ['n2', [[null, null]]], ['n3', [[null]]], ['v', [[7]]]);
    expect(winnerSql(candidates, SQL_R1)).toBe('n1');
    expect(winnerSql(candidates, withOptions({ nullOnlyWeight: 0.3 }))).toBe('v');
  });

  it('zeroCountWeight: a lone 0 (COUNT over nothing) weighs less; 0 among other rows does not', () => {
    const zero = ran(['z1', [[0]]], ['z2', [[0.0]]], ['c', [[4]]]);
    expect(winnerSql(zero, SQL_R1)).toBe('z1');
    expect(winnerSql(zero, withOptions({ zeroCountWeight: 0.4 }))).toBe('c');
    const zeroAmongOthers = ran(['a1', [[0], [1]]], ['a2', [[1], [0]]], ['b', [[1]]]);
    expect(winnerSql(zeroAmongOthers, withOptions({ zeroCountWeight: 0 }))).toBe('a1');
  });

  it('tieBreak similarity: of two tied clusters the one whose rows overlap the others’ wins (MBR-exec)', () => {
    const candidates = ran(
      ['odd', [[9]]],
      ['odd too', [[9]]],
      ['typical', [[1], [2]]],
      ['typical too', [[1], [2]]],
      ['near', [[1], [2], [3]]],
    );
    expect(winnerSql(candidates, SQL_R1)).toBe('odd');
    expect(winnerSql(candidates, withOptions({ tieBreak: ['similarity'] }))).toBe('typical');
  });

  it('tieBreak fewerColumns and fewerNulls prefer the plainer of tied results, in the order given', () => {
    const candidates = ran(
      ['wide', [[1, 'x']]],
      ['wide 2', [[1, 'x']]],
      ['holey', [[null]]],
      ['holey 2', [[null], [3]]],
      ['narrow', [[1]]],
      ['narrow 2', [[1]]],
    );
    // holey's set is {[null]} and {[null],[3]}: two clusters of one; wide and narrow tie at 2.
    expect(winnerSql(candidates, withOptions({ tieBreak: ['fewerColumns'] }))).toBe('narrow');
    expect(winnerSql(candidates, withOptions({ tieBreak: ['fewerNulls'] }))).toBe('wide');
    const nulls = ran(['n', [[null, 1]]], ['n2', [[null, 1]]], ['f', [[2, 1]]], ['f2', [[2, 1]]]);
    expect(winnerSql(nulls, withOptions({ tieBreak: ['fewerColumns', 'fewerNulls'] }))).toBe('f');
  });

  it('representative typical: the member whose row order and duplicates most members share answers', () => {
    // One row set, but the first member has another order and a duplicate row.
    const candidates = ran(['first', [[2], [1], [1]]], ['ordered', [[1], [2]]], ['ordered too', [[1], [2]]]);
    expect(voteOnResults(candidates, SQL_R1).answer?.sql).toBe('first');
    const typical = voteOnResults(candidates, withOptions({ representative: 'typical' }));
    expect(typical.answer?.sql).toBe('ordered');
    expect(typical.winner).toEqual({ sql: 'ordered', votes: 3, members: [0, 1, 2], rowCount: 3 });
  });

  it('sourceWeights: votes weigh per candidate source, unlisted sources and none weigh 1', () => {
    const candidates = ran(
      ['a', [[1]], 'small'],
      ['a2', [[1]], 'small'],
      ['b', [[2]], 'large'],
      ['c', [[3]]],
    );
    expect(winnerSql(candidates, SQL_R1)).toBe('a');
    expect(winnerSql(candidates, withOptions({ sourceWeights: { small: 0.4, large: 1 } }))).toBe('b');
    expect(winnerSql(candidates, withOptions({ sourceWeights: { other: 5 } }))).toBe('a');
  });

  it('reports share of valid votes, margin to the runner-up and the clusters best first', () => {
    const candidates = [
      ...ran(['e1', []], ['e2', []], ['e3', []], ['r1', [[1]]], ['r2', [[1]]]),
      {
        index: 5,
        sql: 'broken',
        status: 'error' as const,
        columns: [],
        rows: [],
        rowCount: 0,
        truncated: false,
        durationMs: 1,
      },
    ];
    const plain = voteOnResults(candidates, SQL_R1);
    expect(plain).toMatchObject({ valid: 5, share: 3 / 5, margin: 1 / 5, confidence: 3 / 6 });
    expect(plain.ranked.map((cluster) => cluster.sql)).toEqual(['e1', 'r1']);
    const tuned = voteOnResults(candidates, PRESET_OPTIONS.r1flow);
    expect(tuned).toMatchObject({ valid: 5, share: 2 / 5, margin: -1 / 5 });
    expect(tuned.ranked.map((cluster) => cluster.sql)).toEqual(['r1', 'e1']);
    expect(tuned.clusters.map((cluster) => cluster.sql)).toEqual(['e1', 'r1']);
  });

  it('resolves presets with overrides and refuses an unknown --preset', () => {
    expect(resolveVoteOptions('sql-r1')).toEqual(SQL_R1);
    expect(resolveVoteOptions('r1flow', { emptyResultWeight: undefined, tieBreak: ['similarity'] })).toEqual({
      ...PRESET_OPTIONS.r1flow,
      tieBreak: ['similarity'],
    });
    expect(parseVotePreset('r1flow')).toBe('r1flow');
    expect(() => parseVotePreset('best')).toThrow(/--preset must be one of sql-r1, r1flow, got "best"/);
  });

  it('keeps every option off under sql-r1 and no source weights in any preset', () => {
    expect(SQL_R1).toEqual({
      emptyResultWeight: 1,
      nullOnlyWeight: 1,
      zeroCountWeight: 1,
      representative: 'first',
      tieBreak: [],
      sourceWeights: {},
    });
    expect(PRESET_OPTIONS.r1flow.sourceWeights).toEqual({});
  });
});
