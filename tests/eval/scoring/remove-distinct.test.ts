import { describe, expect, it } from 'vitest';
import { removeDistinct } from '../../../eval/scoring/remove-distinct.ts';

// Expected outputs were produced by test-suite's own remove_distinct (sqlparse 0.4).
describe('removing DISTINCT the way test-suite does', () => {
  it('drops the DISTINCT keyword wherever it stands, in any case, leaving the spaces', () => {
    expect(removeDistinct('SELECT DISTINCT name FROM t')).toBe('SELECT  name FROM t');
    expect(removeDistinct('select count(distinct x) from t')).toBe('select count( x) from t');
    expect(removeDistinct('SELECT DISTINCT(a) FROM t')).toBe('SELECT (a) FROM t');
    expect(removeDistinct('SELECT Distinct DISTINCT dIsTiNcT')).toBe('SELECT   ');
    expect(removeDistinct('SELECT t.distinct FROM t')).toBe('SELECT t. FROM t');
  });

  it('leaves "distinct" alone inside strings, quoted names, comments and longer words', () => {
    for (const sql of [
      "SELECT 'distinct' FROM t",
      'SELECT "distinct" FROM t',
      'SELECT `distinct` FROM t',
      'SELECT [distinct] FROM t',
      'SELECT distinct_count FROM t',
      'SELECT /* distinct */ a',
      'SELECT $distinct, :distinct, @distinct',
    ]) {
      expect(removeDistinct(sql)).toBe(sql);
    }
    expect(removeDistinct('SELECT a -- distinct\n, DISTINCT b')).toBe('SELECT a -- distinct\n,  b');
  });

  it('keeps only the first statement, with the spaces and comment that follow its semicolon', () => {
    expect(removeDistinct('SELECT a; SELECT DISTINCT b')).toBe('SELECT a; ');
    expect(removeDistinct('SELECT a;  -- c\nSELECT b')).toBe('SELECT a;  -- c\n');
    expect(removeDistinct("SELECT 'a;b' , DISTINCT c")).toBe("SELECT 'a;b' ,  c");
    expect(removeDistinct('SELECT (a; b) DISTINCT')).toBe('SELECT (a; b) ');
    expect(removeDistinct('SELECT CASE WHEN a THEN b END; SELECT 2')).toBe('SELECT CASE WHEN a THEN b END; ');
  });

  it('finds no statement in an empty query', () => {
    expect(() => removeDistinct('')).toThrow(/empty/);
    expect(() => removeDistinct(' \n ')).toThrow(/empty/);
    expect(removeDistinct(';')).toBe(';');
  });
});
