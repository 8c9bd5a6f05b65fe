import { describe, expect, it } from 'vitest';
import { postgresCellTypes } from '../../../nodes/sql/postgres/postgres-cells.ts';
import { describeRefusedPostgres } from '../../../nodes/sql/postgres/postgres-guard.ts';

describe('PostgreSQL statement guard', () => {
  it('lets reads through, names in strings, comments and dollar quotes included', () => {
    for (const sql of [
      'SELECT 1',
      '(SELECT 1) UNION (SELECT 2)',
      "WITH x AS (SELECT 'pg_read_file(1)' AS s) SELECT * FROM x",
      'VALUES (1), (2)',
      'TABLE city',
      "SELECT $$ set_config('a','b',false) $$",
      "SELECT $tag$ it's pg_sleep $tag$ -- lo_import('x')",
      "SELECT 1 /* nested /* pg_ls_dir('.') */ still comment */",
      "SELECT E'\\' pg_read_file(1)'",
      'SELECT lo, loan, "LO_import" FROM t',
      'SELEC typo', // PostgreSQL answers the syntax error
    ]) {
      expect(describeRefusedPostgres(sql), sql).toBeUndefined();
    }
  });

  it('refuses statements that are not reads and functions that harm without writing', () => {
    expect(describeRefusedPostgres('  /* x */ set role none')).toMatch(/not SET/);
    expect(describeRefusedPostgres('DO $$ BEGIN END $$')).toMatch(/not DO/);
    expect(describeRefusedPostgres('SELECT pg_catalog.PG_READ_FILE(1)')).toMatch(/pg_read_file/);
    expect(describeRefusedPostgres('SELECT "pg_ls_dir"(1)')).toMatch(/pg_ls_dir/);
    expect(describeRefusedPostgres('SELECT u&"pg\\005fls_dir"(1)')).toMatch(/pg_ls_dir/);
    expect(describeRefusedPostgres('SELECT U&"x" UESCAPE \'!\'')).toMatch(/UESCAPE/);
    expect(describeRefusedPostgres("SELECT E'\\'', dblink_exec('x')")).toMatch(/dblink_exec/);
    expect(describeRefusedPostgres('SELECT pg_try_advisory_xact_lock(1)')).toMatch(/advisory/);
  });
});

describe('PostgreSQL cells', () => {
  const parse = (oid: number, text: string) => postgresCellTypes.getTypeParser(oid)(text);

  it('keeps numbers exact: a number when it reads back as the same decimal, else the text', () => {
    expect(parse(1700, '3.10')).toBe(3.1);
    expect(parse(1700, '-0.50')).toBe(-0.5);
    expect(parse(1700, '0')).toBe(0);
    expect(parse(1700, '12345678901234567890')).toBe('12345678901234567890');
    expect(parse(1700, 'NaN')).toBe('NaN');
    expect(parse(20, '9007199254740991')).toBe(9007199254740991);
    expect(parse(20, '-9007199254740993')).toBe('-9007199254740993');
    expect(parse(701, 'Infinity')).toBe('Infinity');
  });

  it("turns a quotient's long fraction into the double SQLite computes for the same query", () => {
    // SELECT 100.0 * 61 / 1500: PostgreSQL's NUMERIC, SQLite's REAL.
    expect(parse(1700, '4.0666666666666667')).toBe((100.0 * 61) / 1500);
    // AVG(numeric) carries 20 digits; the vote must put it with the same value computed in floats.
    expect(parse(1700, '0.33333333333333333333')).toBe(1 / 3);
    expect(parse(1700, '-2.5000000000000000001')).toBe(-2.5);
    expect(parse(1700, '123456789012345.67')).toBe(123456789012345.67);
    // Digits of the integer part are never rounded away: those stay exact text.
    expect(parse(1700, '1234567890123456.7')).toBe('1234567890123456.7');
    expect(parse(1700, '98765432109876543210.000000000000000001')).toBe(
      '98765432109876543210.000000000000000001',
    );
  });

  it('writes timestamptz in UTC with its fraction, whatever the session zone', () => {
    expect(parse(1184, '2024-01-02 00:30:00.5-05:30')).toBe('2024-01-02T06:00:00.5Z');
    expect(parse(1184, 'infinity')).toBe('infinity');
    expect(parse(1082, '2024-01-02')).toBe('2024-01-02');
    expect(parse(1016, '{1,9007199254740993}')).toBe('[1,"9007199254740993"]');
    expect(parse(3807, '{"{\\"a\\": 1}"}')).toBe('[{"a":1}]');
  });
});
