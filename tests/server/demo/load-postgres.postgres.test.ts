// `r1flow demo load` through the real CLI against a real PostgreSQL server: the same tables, keys
// and rows as the SQLite demo warehouse; existing tables are kept unless --replace; a bad URL
// names the server, never the password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { DEMO_TABLES } from '../../../server/demo/demo-ddl.ts';
import { runCli } from '../../support/cli.ts';
import type { PostgresServer } from '../../support/postgres-server.ts';
import { startPostgresServer } from '../../support/postgres-server.ts';

let server: PostgresServer;
let dir: string;
let sqlite: Database.Database;
beforeAll(async () => {
  server = await startPostgresServer();
  dir = mkdtempSync(join(tmpdir(), 'r1flow-demo-pg-'));
  buildDemoWarehouse(join(dir, 'warehouse.sqlite'));
  sqlite = new Database(join(dir, 'warehouse.sqlite'), { readonly: true });
});
afterAll(async () => {
  sqlite?.close();
  rmSync(dir, { recursive: true, force: true });
  await server?.close();
});

describe('r1flow demo load --db postgres://…', () => {
  it('creates the demo tables with their keys and the same rows as the SQLite demo', async () => {
    const url = await server.createDatabase('demo_full');

    const result = await runCli(['demo', 'load', '--db', url]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^loaded the demo warehouse into postgres:\/\/r1flow@127\.0\.0\.1:\d+\/demo_full: \d+ rows \(regions 6, /,
    );
    expect(result.stdout).not.toContain(server.password);
    // pg returns NUMERIC as text ('679.32'): every cell compared as text.
    const asText = (rows: Record<string, unknown>[]) =>
      rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
    for (const table of DEMO_TABLES) {
      const expected = sqlite.prepare(`SELECT * FROM ${table} ORDER BY 1`).all() as Record<string, unknown>[];
      const loaded = await server.query(`SELECT * FROM ${table} ORDER BY 1`, [], 'demo_full');
      expect(loaded.length, table).toBe(expected.length);
      expect(asText(loaded), table).toEqual(asText(expected));
    }
    const keys = await server.query<{ table_name: string; constraint_type: string; n: number }>(
      `SELECT table_name, constraint_type, count(*)::int AS n FROM information_schema.table_constraints
        WHERE table_schema = 'public' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [],
      'demo_full',
    );
    expect(keys).toEqual([
      { table_name: 'categories', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'customers', constraint_type: 'FOREIGN KEY', n: 2 },
      { table_name: 'customers', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'order_items', constraint_type: 'FOREIGN KEY', n: 2 },
      { table_name: 'order_items', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'orders', constraint_type: 'FOREIGN KEY', n: 2 },
      { table_name: 'orders', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'payments', constraint_type: 'FOREIGN KEY', n: 1 },
      { table_name: 'payments', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'products', constraint_type: 'FOREIGN KEY', n: 1 },
      { table_name: 'products', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'regions', constraint_type: 'PRIMARY KEY', n: 1 },
      { table_name: 'sales_reps', constraint_type: 'FOREIGN KEY', n: 2 },
      { table_name: 'sales_reps', constraint_type: 'PRIMARY KEY', n: 1 },
    ]);
    const types = await server.query(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = 'payments' ORDER BY ordinal_position`,
      [],
      'demo_full',
    );
    expect(types).toEqual([
      { column_name: 'payment_id', data_type: 'integer' },
      { column_name: 'order_id', data_type: 'integer' },
      { column_name: 'paid_at', data_type: 'text' },
      { column_name: 'amount', data_type: 'numeric' },
      { column_name: 'method', data_type: 'text' },
    ]);
  });

  it('leaves existing tables alone unless --replace, which loads the demo afresh', async () => {
    const url = await server.createDatabase('demo_again');
    expect((await runCli(['demo', 'load', '--db', url])).code).toBe(0);
    await server.query("DELETE FROM payments WHERE method = 'card'", [], 'demo_again');
    const count = async () =>
      (await server.query<{ n: number }>('SELECT count(*)::int AS n FROM payments', [], 'demo_again'))[0]?.n;
    const afterDelete = await count();

    const refused = await runCli(['demo', 'load', '--db', url]);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /error CONFIG_INVALID: .*already has tables named .*orders.*pass --replace/,
    );
    expect(await count()).toBe(afterDelete);

    const replaced = await runCli(['demo', 'load', '--db', url, '--replace']);

    expect(replaced.code).toBe(0);
    expect(await count()).toBe(
      (sqlite.prepare('SELECT count(*) AS n FROM payments').get() as { n: number }).n,
    );
  });

  it('loads through a named connection of the store', async () => {
    const url = await server.createDatabase('demo_named');
    const store = join(dir, 'r1flow.db');
    expect((await runCli(['connections', 'add', 'demo', url, '--db', store])).code).toBe(0);

    const result = await runCli(['demo', 'load', '--connection', 'demo', '--store', store]);

    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^loaded the demo warehouse into demo: \d+ rows/);
    expect(await server.query('SELECT count(*)::int AS n FROM regions', [], 'demo_named')).toEqual([
      { n: 6 },
    ]);
    const missing = await runCli(['demo', 'load', '--connection', 'nope', '--store', store]);
    expect(missing.stderr).toContain('CONNECTION_NOT_FOUND');
  });

  it('a wrong password fails naming the server, never the password; a URL that is not postgres is a usage error', async () => {
    await server.createDatabase('demo_denied');
    const wrong = server.urlFor('demo_denied', { name: 'r1flow', password: 'Wrong-Secret-77' });

    const denied = await runCli(['demo', 'load', '--db', wrong]);

    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /WAREHOUSE_CONNECT_FAILED: cannot connect to PostgreSQL connection "postgres:\/\/r1flow@127\.0\.0\.1:\d+\/demo_denied": password authentication failed/,
    );
    expect(denied.stderr + denied.stdout).not.toContain('Wrong-Secret-77');

    const notPostgres = await runCli(['demo', 'load', '--db', join(dir, 'warehouse.sqlite')]);
    expect(notPostgres.code).not.toBe(0);
    expect(notPostgres.stderr).toContain('give --connection NAME or --db with a postgres:// URL');
  });
});
