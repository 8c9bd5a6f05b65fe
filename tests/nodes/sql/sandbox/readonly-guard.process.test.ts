import { beforeAll, describe, expect, test } from 'vitest';
import { prepareSandboxFixture } from './sandbox-fixture.ts';

const sandbox = prepareSandboxFixture();
const run = (sql: string) => sandbox.run(sql);
let digestBefore: string;

beforeAll(() => {
  digestBefore = sandbox.warehouse.digest();
});

const WRITES = [
  'DROP TABLE singer',
  'DELETE FROM singer',
  "INSERT INTO singer VALUES (9, 'Eve', 'Peru', 20)",
  "UPDATE singer SET name = 'x'",
  'CREATE TABLE extra (a)',
  'CREATE TEMP TABLE scratch (a)',
  "ATTACH DATABASE ':memory:' AS other",
  'DETACH DATABASE main',
  'PRAGMA writable_schema=1',
  'PRAGMA writable_schema = ON',
  'PRAGMA journal_mode=DELETE',
  'PRAGMA journal_mode = WAL',
  'PRAGMA query_only = OFF',
  'PRAGMA main.user_version = 7',
  'PRAGMA journal_mode',
  'VACUUM',
  "VACUUM INTO 'copy.sqlite'",
  'BEGIN',
  'SAVEPOINT s1',
  'ANALYZE',
  'REINDEX',
  '/* leading comment */ DELETE FROM song',
  'EXPLAIN PRAGMA writable_schema=1',
  'WITH gone AS (SELECT 1) DELETE FROM song',
  'SELECT 1; DROP TABLE singer',
  'SELECT * FROM singer; SELECT * FROM song',
];

describe('the sandbox refuses anything but reads', () => {
  test.each(WRITES)('%s is refused as a read-only violation', async (sql) => {
    const outcome = await run(sql);
    expect(outcome.status).toBe('readonly_violation');
    expect(outcome.error?.code).toBe('SQL_READONLY_VIOLATION');
    expect(outcome.rows).toEqual([]);
  });

  test('more than one statement is refused with a message that says so', async () => {
    const outcome = await run('SELECT 1; SELECT 2');
    expect(outcome.error?.message).toMatch(/one statement/);
  });

  test('after every refused statement the database file is byte-identical and no journal was left', async () => {
    for (const sql of WRITES) await run(sql);
    expect(await run('SELECT count(*) FROM singer')).toMatchObject({ status: 'ok', rows: [[3]] });
    expect(sandbox.warehouse.digest()).toBe(digestBefore);
    expect(sandbox.warehouse.files()).toEqual(['warehouse.sqlite']);
  });

  test('schema pragmas without assignment and a trailing semicolon or comment still run', async () => {
    expect(await run('PRAGMA table_info(singer)')).toMatchObject({ status: 'ok', rowCount: 4 });
    expect(await run('pragma main.index_list(song);')).toMatchObject({ status: 'ok' });
    expect(await run('SELECT name FROM singer WHERE singer_id = 2; -- the end')).toMatchObject({
      status: 'ok',
      rows: [['Ana']],
    });
  });

  test('a keyword inside a string or comment does not trigger a refusal', async () => {
    const outcome = await run("SELECT 'DROP TABLE singer; ATTACH x' AS text -- PRAGMA journal_mode=WAL");
    expect(outcome).toMatchObject({ status: 'ok', rows: [['DROP TABLE singer; ATTACH x']] });
  });

  test('EXPLAIN of a read runs, EXPLAIN of a write is refused', async () => {
    expect((await run('EXPLAIN QUERY PLAN SELECT * FROM singer')).status).toBe('ok');
    expect((await run('EXPLAIN DELETE FROM singer')).status).toBe('readonly_violation');
  });
});
