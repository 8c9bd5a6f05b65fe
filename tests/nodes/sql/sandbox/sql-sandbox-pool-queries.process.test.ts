import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SqlSandboxPool } from '../../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { prepareSandboxFixture } from './sandbox-fixture.ts';

const sandbox = prepareSandboxFixture();
const run = (sql: string, maxRows = 100) => sandbox.run(sql, { maxRows });

const COUNTING =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) SELECT x FROM n';

describe('SqlSandboxPool answers queries from a child process', () => {
  test('a query answers its column names and rows as arrays', async () => {
    const outcome = await run('SELECT singer_id, name FROM singer ORDER BY singer_id');
    expect(outcome).toMatchObject({
      status: 'ok',
      columns: ['singer_id', 'name'],
      rows: [
        [1, 'Kyle'],
        [2, 'Ana'],
        [3, 'Bo'],
      ],
      rowCount: 3,
      truncated: false,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('BLOBs come back as hex literals, 64-bit integers as exact strings, infinities as strings', async () => {
    const outcome = await run('SELECT label, payload, big, ratio FROM cells ORDER BY label');
    expect(outcome.rows).toEqual([
      ['bytes', "x'00ff10'", '9223372036854775807', 0.5],
      ['small', null, -42, 'Infinity'],
    ]);
  });

  test('reading stops at maxRows and says the result was truncated', async () => {
    const outcome = await run(COUNTING, 10);
    expect(outcome).toMatchObject({ status: 'ok', rowCount: 10, truncated: true });
    expect(outcome.rows.map((row) => row[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('a result of exactly maxRows rows is not truncated', async () => {
    expect(await run('SELECT name FROM singer', 3)).toMatchObject({ rowCount: 3, truncated: false });
  });

  test('maxRows 0 returns the columns only', async () => {
    expect(await run('SELECT name FROM singer', 0)).toMatchObject({
      columns: ['name'],
      rows: [],
      truncated: true,
    });
  });

  test('an empty result set is ok, not an error', async () => {
    expect(await run("SELECT name FROM singer WHERE country = 'Peru'")).toMatchObject({
      status: 'ok',
      columns: ['name'],
      rows: [],
      rowCount: 0,
    });
  });

  test('errors come back as outcomes with codes a program can branch on', async () => {
    expect((await run('SELEC name FROM singer')).error?.code).toBe('SQL_SYNTAX');
    expect((await run('SELECT (name FROM singer')).error?.code).toBe('SQL_SYNTAX');
    expect((await run("SELECT 'open")).error?.code).toBe('SQL_SYNTAX');
    expect(await run('SELECT * FROM no_such_table')).toMatchObject({
      status: 'error',
      error: { code: 'SQL_ERROR', message: 'no such table: no_such_table' },
    });
    expect((await run('SELECT abs(-9223372036854775808)')).error?.code).toBe('SQL_ERROR');
  });

  test('empty SQL, or only a comment, is SQL_EMPTY', async () => {
    for (const sql of ['', '   \n', '-- nothing here']) {
      expect(await run(sql)).toMatchObject({ status: 'error', error: { code: 'SQL_EMPTY' } });
    }
  });

  test('a missing database file answers WAREHOUSE_NOT_FOUND with its path', async () => {
    const missing = join(sandbox.warehouse.dir, 'missing.sqlite');
    const outcome = await sandbox.run('SELECT 1', { database: missing });
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'WAREHOUSE_NOT_FOUND' } });
    expect(outcome.error?.message).toContain(missing);
  });

  test('more queries than children are queued and all answered, each with its own rows', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => run(`SELECT ${i} AS i, count(*) FROM song`)),
    );
    expect(outcomes.map((outcome) => outcome.rows)).toEqual(Array.from({ length: 12 }, (_, i) => [[i, 3]]));
  });

  test('a query cancelled while queued rejects with NODE_CANCELLED and the others still answer', async () => {
    const controller = new AbortController();
    const busy = [run(COUNTING), run(COUNTING)];
    const cancelled = sandbox.pool.execute(
      { database: sandbox.warehouse.path, sql: 'SELECT 1', timeoutMs: 10_000, maxRows: 1 },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    for (const outcome of await Promise.all(busy)) expect(outcome.status).toBe('ok');
  });

  test('an already aborted signal rejects at once', async () => {
    const request = { database: sandbox.warehouse.path, sql: 'SELECT 1', timeoutMs: 10_000, maxRows: 1 };
    await expect(sandbox.pool.execute(request, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'NODE_CANCELLED',
    });
  });
});

describe('SqlSandboxPool lifecycle', () => {
  test('a closed pool rejects new queries', async () => {
    const closed = new SqlSandboxPool({ size: 1, spares: 0 });
    await closed.close();
    await expect(
      closed.execute({ database: sandbox.warehouse.path, sql: 'SELECT 1', timeoutMs: 1000, maxRows: 1 }),
    ).rejects.toMatchObject({ code: 'NODE_CANCELLED', message: /closed/ });
  });

  test('nonsensical options are refused', () => {
    expect(() => new SqlSandboxPool({ size: 0 })).toThrow(/size/);
    expect(() => new SqlSandboxPool({ spares: -1 })).toThrow(/spares/);
  });

  test('the default size is at most 4 children', async () => {
    const defaults = new SqlSandboxPool({ spares: 0 });
    expect(defaults.options.size).toBeGreaterThanOrEqual(1);
    expect(defaults.options.size).toBeLessThanOrEqual(4);
    await defaults.close();
  });
});
