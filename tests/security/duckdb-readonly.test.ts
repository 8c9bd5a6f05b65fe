// Generated SQL against a DuckDB warehouse: nothing may write the database or any file, read files
// outside the warehouse's folder, attach other databases, load extensions, or undo those limits.
// Every attack is checked by its outcome and by the database and folder being unchanged after.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbExecutor } from '../../nodes/sql/duckdb/duckdb-executor.ts';
import type { DuckdbWarehouse } from '../support/duckdb-warehouse.ts';
import { createDuckdbWarehouse } from '../support/duckdb-warehouse.ts';

let warehouse: DuckdbWarehouse;
let executor: DuckdbExecutor;

beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  executor = new DuckdbExecutor();
});
afterAll(() => {
  executor.close();
  warehouse.close();
});

const run = (sql: string) =>
  executor.execute({ database: warehouse.file, sql, timeoutMs: 5000, maxRows: 100, maxBytes: 65_536 });

async function checksum(): Promise<unknown> {
  const outcome = await run(
    "SELECT (SELECT string_agg(c::VARCHAR, '|' ORDER BY id) FROM city c), (SELECT string_agg(k::VARCHAR, '|' ORDER BY code) FROM country k), (SELECT count(*) FROM duckdb_tables())",
  );
  expect(outcome.status).toBe('ok');
  return outcome.rows;
}

const attacks: [string, string][] = [
  ['INSERT', "INSERT INTO city VALUES (9, 'X', 'FR', 1, 1, false, NULL)"],
  ['UPDATE', "UPDATE city SET name = 'X'"],
  ['DELETE', 'DELETE FROM city'],
  ['DDL', 'DROP TABLE city'],
  ['CREATE TABLE AS', 'CREATE TABLE stolen AS SELECT * FROM city'],
  ['COPY to a file in the warehouse folder', `COPY city TO '${'OUT'}'`],
  ['EXPORT DATABASE', "EXPORT DATABASE 'dump'"],
  ['ATTACH', "ATTACH '/tmp/r1flow-attack.duckdb' AS other"],
  ['read a file outside the folder', "SELECT * FROM read_csv('/etc/passwd')"],
  ['read a file by relative escape', "SELECT * FROM read_text('../../etc/hostname')"],
  ['switch file access back on', 'SET enable_external_access = true'],
  ['unlock the configuration', 'SET lock_configuration = false'],
  ['INSTALL an extension', 'INSTALL httpfs'],
  ['LOAD an extension', 'LOAD httpfs'],
  ['two statements', 'SELECT 1; DROP TABLE city'],
  ['a PRAGMA that writes', "PRAGMA enable_profiling='json'"],
  ['CHECKPOINT', 'CHECKPOINT'],
  ['a temporary macro', 'CREATE MACRO m(a) AS a + 1'],
];

describe('DuckDB warehouse: generated SQL cannot write or escape', () => {
  it.each(attacks)('%s is refused and changes nothing', async (_name, template) => {
    const before = await checksum();
    const filesBefore = readdirSync(warehouse.dir).sort();
    const sql = template.replace('OUT', join(warehouse.dir, 'out.csv'));
    const outcome = await run(sql);
    expect(outcome.status, `${sql} → ${JSON.stringify(outcome.error)}`).not.toBe('ok');
    expect(['readonly_violation', 'error']).toContain(outcome.status);
    expect(await checksum()).toEqual(before);
    expect(readdirSync(warehouse.dir).sort()).toEqual(filesBefore);
    expect(existsSync('/tmp/r1flow-attack.duckdb')).toBe(false);
  });

  it('refuses anything but SELECT by statement type, naming it', async () => {
    const outcome = await run(`COPY city TO '${join(warehouse.dir, 'x.csv')}'`);
    expect(outcome).toMatchObject({
      status: 'readonly_violation',
      error: { code: 'SQL_READONLY_VIOLATION' },
    });
    expect(outcome.error?.message).toMatch(/only SELECT may run, not COPY/);
  });

  it('reads no file outside the folder even inside a SELECT', async () => {
    const outcome = await run("SELECT * FROM read_csv('/etc/passwd')");
    expect(outcome.status).toBe('readonly_violation');
    expect(outcome.error?.message).toMatch(/file system operations are disabled/);
  });
});
