import { describe, expect, test } from 'vitest';
import { prepareSandboxFixture } from './sandbox-fixture.ts';

const sandbox = prepareSandboxFixture();
const ALLOWED = ['Singer', 'SONG', 'tag'];
const run = (sql: string, allowedTables: string[] = ALLOWED) => sandbox.run(sql, { allowedTables });

describe('allowedTables lets a query read only the listed tables', () => {
  test.each([
    ['a plain read', 'SELECT name FROM singer'],
    ['a JOIN', 'SELECT s.name, t.title FROM singer s JOIN song t ON s.singer_id = t.singer_id'],
    ['an index scan', "SELECT title FROM song WHERE title = 'Sol'"],
    ['a count answered from an index', 'SELECT count(*) FROM song INDEXED BY song_by_title'],
    ['a WITHOUT ROWID table', 'SELECT weight FROM tag WHERE name = "pop"'],
    ['INTERSECT', 'SELECT singer_id FROM singer INTERSECT SELECT singer_id FROM song'],
    ['a CTE', 'WITH t AS (SELECT singer_id FROM song) SELECT count(*) FROM t'],
  ])('%s of allowed tables runs (names compared case-insensitively)', async (_, sql) => {
    expect((await run(sql)).status).toBe('ok');
  });

  test.each([
    ['a JOIN', 'SELECT s.name, p.amount FROM singer s JOIN salary p ON s.singer_id = p.singer_id'],
    ['a subquery', 'SELECT name FROM singer WHERE singer_id IN (SELECT singer_id FROM salary)'],
    ['a scalar subquery in the select list', 'SELECT name, (SELECT max(amount) FROM salary) FROM singer'],
    ['INTERSECT', 'SELECT singer_id FROM singer INTERSECT SELECT singer_id FROM salary'],
    ['EXCEPT', 'SELECT singer_id FROM song EXCEPT SELECT singer_id FROM salary'],
    ['a CTE', 'WITH pay AS (SELECT * FROM salary) SELECT name FROM singer JOIN pay USING (singer_id)'],
    ['a view over it', 'SELECT * FROM singer_pay'],
    ['EXPLAIN QUERY PLAN of it', 'EXPLAIN QUERY PLAN SELECT * FROM salary'],
  ])('%s reading a table outside the list is forbidden and names it', async (_, sql) => {
    const outcome = await run(sql);
    expect(outcome).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' }, rows: [] });
    expect(outcome.error?.message).toMatch(/table salary\b/);
  });

  test('the schema table is forbidden, even when listed', async () => {
    for (const table of ['sqlite_master', 'sqlite_schema']) {
      const outcome = await run(`SELECT sql FROM ${table}`, [...ALLOWED, 'sqlite_schema', 'sqlite_master']);
      expect(outcome).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' } });
      expect(outcome.error?.message).toMatch(/sqlite_schema/);
    }
  });

  test('schema pragmas and table-valued functions are forbidden', async () => {
    expect((await run('PRAGMA table_info(salary)')).status).toBe('forbidden');
    expect((await run("SELECT * FROM pragma_table_info('salary')")).status).toBe('forbidden');
  });

  test('a view is readable when its underlying tables are allowed', async () => {
    expect((await run('SELECT * FROM singer_pay', ['singer', 'salary'])).status).toBe('ok');
    expect((await run('SELECT * FROM singer_pay', ['singer_pay'])).status).toBe('forbidden');
  });

  test('double-quoted strings are rewritten before the check', async () => {
    expect(await run('SELECT singer_id FROM singer WHERE name = "Kyle"')).toMatchObject({
      status: 'ok',
      rows: [[1]],
    });
  });

  test('without allowedTables every table is readable', async () => {
    const outcome = await sandbox.run('SELECT amount FROM salary ORDER BY amount');
    expect(outcome).toMatchObject({ status: 'ok', rows: [[100], [200]] });
  });
});
