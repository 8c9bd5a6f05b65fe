import { describe, expect, it } from 'vitest';
import { tokenizeSpiderSql } from '../../../eval/spider-sql/tokenize.ts';

// Expected tokens come from Spider's process_sql.tokenize (NLTK 3.8's word tokenizer).
describe('Spider’s SQL tokenizer', () => {
  it('lower-cases words, keeps quoted values whole and merges >=, <=, !=', () => {
    expect(
      tokenizeSpiderSql("SELECT T1.name FROM singer AS T1 WHERE T1.age >= 3.5 AND name LIKE '%a%'"),
    ).toEqual([
      'select',
      't1.name',
      'from',
      'singer',
      'as',
      't1',
      'where',
      't1.age',
      '>=',
      '3.5',
      'and',
      'name',
      'like',
      '"%a%"',
    ]);
  });

  it('splits where NLTK splits, and not where it does not', () => {
    expect(tokenizeSpiderSql('SELECT count(*) FROM t WHERE a > = 1 AND b<=2 AND c!="x" ;')).toEqual([
      'select',
      'count',
      '(',
      '*',
      ')',
      'from',
      't',
      'where',
      'a',
      '>=',
      '1',
      'and',
      'b',
      '<',
      '=2',
      'and',
      'c',
      '!',
      '=__val_53_55__',
      ';',
    ]);
    expect(tokenizeSpiderSql('SELECT cannot, gonna FROM t WHERE x = 1.')).toEqual([
      'select',
      'can',
      'not',
      ',',
      'gon',
      'na',
      'from',
      't',
      'where',
      'x',
      '=',
      '1',
      '.',
    ]);
  });

  it('pairs quotes naively, as Spider does: an escaped quote breaks the value apart', () => {
    expect(tokenizeSpiderSql("SELECT a FROM t WHERE b != 'it''s'").at(-1)).toBe('__val_27_30____val_31_33__');
  });
});
