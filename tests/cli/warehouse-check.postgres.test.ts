import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import type { PostgresServer } from '../support/postgres-server.ts';
import { startPostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let readerUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'r1flow-warehouse-check-'));

beforeAll(async () => {
  server = await startPostgresServer();
  await server.createDatabase('wh');
  await server.query('CREATE TABLE orders (id int, total numeric)', [], 'wh');
  // The read-only role exactly as the README shows it.
  await server.query(
    `CREATE ROLE r1flow_reader LOGIN PASSWORD 'reader-pw';
     GRANT CONNECT ON DATABASE wh TO r1flow_reader;
     ALTER ROLE r1flow_reader SET default_transaction_read_only = on`,
  );
  await server.query(
    `GRANT USAGE ON SCHEMA public TO r1flow_reader;
     GRANT SELECT ON ALL TABLES IN SCHEMA public TO r1flow_reader;
     ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO r1flow_reader`,
    [],
    'wh',
  );
  readerUrl = server.urlFor('wh', { name: 'r1flow_reader', password: 'reader-pw' });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('r1flow warehouse check', () => {
  it('warns about a superuser that could write, and exits 0', async () => {
    const result = await runCli(['warehouse', 'check', '--db', server.urlFor('wh')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^connected to postgres:\/\/r1flow@127\.0\.0\.1:\d+\/wh: PostgreSQL \d+/);
    expect(result.stdout).toContain('warning: role r1flow is a superuser');
    expect(result.stdout).toContain('default_transaction_read_only is off');
    expect(result.stdout).toContain('can write 1 table(s): public.orders');
    expect(result.stdout + result.stderr).not.toContain(server.password);
  });

  it('has no warning for the read-only role', async () => {
    const result = await runCli(['warehouse', 'check', '--db', readerUrl, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ role: 'r1flow_reader', database: 'wh', warnings: [] });
    expect(result.stdout).not.toContain('reader-pw');
  });

  it('checks connection:NAME from the store’s named connections', async () => {
    const store = join(dir, 'r1flow.db');
    const added = await runCli(['connections', 'add', 'sales', readerUrl, '--db', store]);
    expect(added.code, added.stderr).toBe(0);
    const result = await runCli(['warehouse', 'check', '--db', 'connection:sales', '--store', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('connected to connection sales: PostgreSQL');
    expect(result.stdout).toContain('the role can only read');
    const missing = await runCli(['warehouse', 'check', '--db', 'connection:nope', '--store', store]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('CONNECTION_NOT_FOUND');
  });

  it('fails with exit 1 naming the warehouse, not the password, when it cannot connect', async () => {
    const wrong = server.urlFor('wh', { name: 'r1flow_reader', password: 'not-the-pw' });
    const result = await runCli(['warehouse', 'check', '--db', wrong]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /WAREHOUSE_CONNECT_FAILED: .*"127\.0\.0\.1-wh".*password authentication failed/,
    );
    expect(result.stderr).not.toContain('not-the-pw');
    const file = await runCli(['warehouse', 'check', '--db', 'data/wh.sqlite']);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('reads PostgreSQL warehouses');
  });
});
