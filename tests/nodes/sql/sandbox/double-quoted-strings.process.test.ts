import { describe, expect, test } from 'vitest';
import { prepareSandboxFixture } from './sandbox-fixture.ts';

const sandbox = prepareSandboxFixture();
const run = (sql: string) => sandbox.run(sql);

describe('double-quoted strings behave as in Python sqlite3 (SQLite legacy rule)', () => {
  test('WHERE name = "Kyle" compares with the string Kyle', async () => {
    expect(await run('SELECT singer_id FROM singer WHERE name = "Kyle"')).toMatchObject({
      status: 'ok',
      rows: [[1]],
    });
  });

  test('several different double-quoted strings in one query are all taken as strings', async () => {
    const outcome = await run(
      'SELECT name FROM singer WHERE country = "France" AND name IN ("Kyle", "Bo") ORDER BY name',
    );
    expect(outcome).toMatchObject({ status: 'ok', rows: [['Bo'], ['Kyle']] });
  });

  test('a double-quoted identifier that is a column stays a column', async () => {
    const outcome = await run('SELECT "name" FROM singer WHERE "country" = "Spain"');
    expect(outcome).toMatchObject({ status: 'ok', columns: ['name'], rows: [['Ana']] });
  });

  test('the same token is a column where it resolves and a string where it does not', async () => {
    // In the subquery "title" is song.title; in the outer query (singer) it is the string 'title'.
    const outcome = await run(
      'SELECT name, "title" FROM singer WHERE singer_id IN (SELECT singer_id FROM song WHERE "title" = "Sol")',
    );
    expect(outcome).toMatchObject({ status: 'ok', rows: [['Ana', 'title']] });
  });

  test('quotes inside the string survive the rewrite', async () => {
    const outcome = await run(`SELECT count(*) FROM singer WHERE name = "O'Brien ""the"" singer"`);
    expect(outcome).toMatchObject({ status: 'ok', rows: [[0]] });
  });

  test('a double-quoted token inside a single-quoted literal is left alone', async () => {
    const outcome = await run(`SELECT '"Kyle"' AS quoted FROM singer WHERE name = "Kyle"`);
    expect(outcome).toMatchObject({ status: 'ok', rows: [['"Kyle"']] });
  });

  test('a real missing column still fails with SQL_ERROR', async () => {
    const outcome = await run('SELECT nickname FROM singer');
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'SQL_ERROR' } });
    expect(outcome.error?.message).toMatch(/no such column: nickname/);
  });

  test('a query that still fails after the rewrite reports the later error', async () => {
    const outcome = await run('SELECT nickname FROM singer WHERE name = "Kyle"');
    expect(outcome.error?.message).toMatch(/no such column: nickname/);
  });
});
