import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { introspectDuckdb } from '../../../nodes/schema/introspect-duckdb.ts';
import { DuckdbExecutor } from '../../../nodes/sql/duckdb/duckdb-executor.ts';
import { executeCandidates } from '../../../nodes/sql/execute-candidates.ts';
import { executorFor } from '../../../nodes/sql/warehouse-executor.ts';
import type { DuckdbWarehouse } from '../../support/duckdb-warehouse.ts';
import { createDuckdbWarehouse } from '../../support/duckdb-warehouse.ts';

let warehouse: DuckdbWarehouse;
let executor: DuckdbExecutor;
const limits = { timeoutMs: 10_000, maxRows: 100, maxBytes: 256 * 1024 };

beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  executor = new DuckdbExecutor();
});
afterAll(() => {
  executor.close();
  warehouse.close();
});

const run = (sql: string, extra: Partial<typeof limits & { allowedTables: string[] }> = {}) =>
  executor.execute({ database: warehouse.file, sql, ...limits, ...extra });

describe('DuckDB executor', () => {
  it('answers rows as the vote reads them: big integers as text, decimals as numbers, ISO dates', async () => {
    const outcome = await run(
      'SELECT name, population, area, capital, updated, country FROM city ORDER BY id LIMIT 2',
    );
    expect(outcome.status).toBe('ok');
    expect(outcome.columns).toEqual(['name', 'population', 'area', 'capital', 'updated', 'country']);
    expect(outcome.rows).toEqual([
      ['Paris', '9007199254740993', 105.4, true, '2024-01-02 03:04:05', 'FR'],
      ['Oslo', 709037, 454, true, '2024-02-03 04:05:06', 'NO'],
    ]);
    expect((await run('SELECT founded FROM country ORDER BY code')).rows).toEqual([
      ['1958-10-04'],
      ['1814-05-17'],
    ]);
  });

  it('reads views over the files kept beside the database', async () => {
    expect((await run('SELECT city, visits FROM visits ORDER BY city')).rows).toEqual([
      ['Oslo', 5],
      ['Paris', 3],
    ]);
  });

  it('cuts rows at the row cap and at the byte cap, saying which', async () => {
    const byRows = await run('SELECT range FROM range(1000000000)', { maxRows: 5 });
    expect(byRows).toMatchObject({ status: 'ok', rowCount: 5, truncated: true, truncatedBy: 'rows' });
    const byBytes = await run("SELECT repeat('x', 1000) FROM range(100)", { maxBytes: 5000 });
    expect(byBytes).toMatchObject({ status: 'ok', truncated: true, truncatedBy: 'bytes' });
    expect(byBytes.rowCount).toBeLessThan(5);
  });

  it('stops a runaway query at the timeout and answers the next one', async () => {
    const runaway = await run('SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b', {
      timeoutMs: 200,
    });
    expect(runaway).toMatchObject({ status: 'timeout', error: { code: 'SQL_TIMEOUT' } });
    expect((await run('SELECT count(*) FROM city')).rows).toEqual([[3]]);
  });

  it('rejects with NODE_CANCELLED when the caller aborts', async () => {
    const abort = new AbortController();
    const pending = executor.execute(
      {
        database: warehouse.file,
        sql: 'SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b',
        ...limits,
      },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 100);
    await expect(pending).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
  });

  it('classifies syntax errors, missing tables and a missing file', async () => {
    expect((await run('SELEC name FROM city')).error?.code).toBe('SQL_SYNTAX');
    expect((await run('SELECT * FROM nowhere')).error?.code).toBe('SQL_ERROR');
    const missing = await executor.execute({
      database: `${warehouse.dir}/none.duckdb`,
      sql: 'SELECT 1',
      ...limits,
    });
    expect(missing.error?.code).toBe('WAREHOUSE_NOT_FOUND');
  });

  it('refuses tables outside allowedTables, and file-reading table functions', async () => {
    const allowed = { allowedTables: ['city'] };
    expect((await run('SELECT name FROM city', allowed)).status).toBe('ok');
    const other = await run('SELECT c.name FROM city c JOIN country k ON c.country = k.code', allowed);
    expect(other).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' } });
    expect(other.error?.message).toContain('country');
    expect((await run(`SELECT * FROM read_csv('${warehouse.dir}/visits.csv')`, allowed)).status).toBe(
      'forbidden',
    );
  });

  it('runs candidates through sql.execute’s executor choice for the duckdb dialect', async () => {
    const resources = new ResourcePool();
    try {
      const ctx = createNodeContext({ resources });
      const chosen = await executorFor(ctx, { database: warehouse.file, dialect: 'duckdb' });
      const results = await executeCandidates(
        chosen,
        warehouse.file,
        [
          { index: 0, sql: 'SELECT count(*) FROM city', reasoning: '', text: '', finishReason: 'stop' },
          { index: 1, sql: 'DELETE FROM city', reasoning: '', text: '', finishReason: 'stop' },
        ],
        limits,
      );
      expect(results.map((r) => r.status)).toEqual(['ok', 'readonly_violation']);
    } finally {
      await resources.disposeAll();
    }
  });
});

describe('DuckDB introspection', () => {
  it('reads tables, views, keys and example values (in sorted order) as SQL-R1 writes them', async () => {
    const connection = await executor.connect(warehouse.file);
    try {
      const schema = await introspectDuckdb(connection, 2);
      expect(schema.tables.map((t) => t.name)).toEqual(['city', 'country', 'visits']);
      const city = schema.tables[0]!;
      expect(city.primaryKey).toEqual(['id']);
      expect(city.foreignKeys).toEqual([{ column: 'country', refTable: 'country', refColumn: 'code' }]);
      expect(city.columns.map((c) => [c.name, c.type, c.examples])).toEqual([
        ['id', 'number', ['1', '2']],
        ['name', 'text', ["'Lyon'", "'Oslo'"]],
        ['country', 'text', ["'FR'", "'NO'"]],
        ['population', 'number', ['522250', '709037']],
        ['area', 'number', ['47.87', '105.4']],
        ['capital', 'boolean', ["'false'", "'true'"]],
        ['updated', 'time', ["'2024-01-02 03:04:05'", "'2024-02-03 04:05:06'"]],
      ]);
      expect(schema.tables[2]!.columns.map((c) => c.name)).toEqual(['city', 'visits']);
    } finally {
      connection.closeSync();
    }
  });
});
