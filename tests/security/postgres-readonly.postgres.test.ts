// Attacks on the PostgreSQL executor, connected as the SUPERUSER on purpose (the worst case a
// careless setup gives): nothing a candidate sends may change a table, a sequence, a role, a large
// object or a setting, read a server file, run a program, hold a lock past its transaction or keep
// running past its timeout. Every table's checksum is compared before and after.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { PostgresExecutor } from '../../nodes/sql/postgres/postgres-executor.ts';
import { connectionDatabase } from '../../nodes/sql/warehouse-executor.ts';
import type { PostgresServer } from '../support/postgres-server.ts';
import { startPostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let executor: PostgresExecutor;
let warehouse: ResolvedConnection;
let dblinkInstalled = false;
const database = connectionDatabase('wh');
const limits = { timeoutMs: 2000, maxRows: 100, maxBytes: 64 * 1024 };

beforeAll(async () => {
  server = await startPostgresServer();
  warehouse = { name: 'wh', kind: 'postgres', url: await server.createDatabase('wh') };
  await server.query(
    `CREATE TABLE account (id int PRIMARY KEY, owner text, balance numeric);
     INSERT INTO account VALUES (1, 'ada', 100), (2, 'bob', 50);
     CREATE TABLE audit (at timestamptz, note text);
     INSERT INTO audit VALUES ('2024-01-01', 'opened');
     CREATE SEQUENCE ticket;
     CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS 'DELETE FROM account';
     CREATE PROCEDURE wipe_proc() LANGUAGE sql AS 'DELETE FROM account';`,
    [],
    'wh',
  );
  const available = await server.query("SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'");
  if (available.length > 0) {
    await server.query('CREATE EXTENSION dblink', [], 'wh');
    dblinkInstalled = true;
  }
  executor = new PostgresExecutor();
});
afterAll(async () => {
  await executor?.close();
  await server?.close();
});

const run = (sql: string, extra: Partial<typeof limits> = {}) =>
  executor.execute(warehouse, { database, sql, ...limits, ...extra });

/** Every table's rows, sequences, roles, large objects and relations, as one digest. */
async function fingerprint(): Promise<string> {
  const tables = await server.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    [],
    'wh',
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const [row] = await server.query<{ sum: string }>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${name} t`,
      [],
      'wh',
    );
    parts.push(`${name}:${row?.sum}`);
  }
  const [state] = await server.query<{ state: string }>(
    `SELECT concat_ws(';',
       (SELECT last_value || ':' || is_called FROM ticket),
       (SELECT string_agg(rolname || rolsuper, ',' ORDER BY rolname) FROM pg_roles),
       (SELECT count(*) FROM pg_largeobject_metadata),
       (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
       (SELECT setting FROM pg_settings WHERE name = 'default_transaction_read_only')) AS state`,
    [],
    'wh',
  );
  return `${parts.join(';')}#${state?.state}`;
}

const WRITES = [
  "INSERT INTO account VALUES (3, 'eve', 1e9)",
  'UPDATE account SET balance = 0',
  'DELETE FROM account',
  'TRUNCATE account',
  'DROP TABLE account',
  'CREATE TABLE loot (x int)',
  'ALTER TABLE account ADD COLUMN x int',
  'GRANT ALL ON account TO PUBLIC',
  'CREATE ROLE mallory SUPERUSER LOGIN',
  'ALTER ROLE r1flow NOSUPERUSER',
  "COPY account TO PROGRAM 'touch /tmp/r1flow-pwned-copy-to'",
  "COPY account FROM PROGRAM 'touch /tmp/r1flow-pwned-copy-from'",
  "COPY (SELECT 1) TO '/tmp/r1flow-pwned-copy-file'",
  'DO $$ BEGIN DELETE FROM account; END $$',
  'SET ROLE NONE',
  'SET SESSION AUTHORIZATION DEFAULT',
  'SET default_transaction_read_only = off',
  'SET statement_timeout = 0',
  'RESET ALL',
  'PREPARE p AS DELETE FROM account',
  'EXECUTE p',
  'CALL wipe_proc()',
  'EXPLAIN ANALYZE DELETE FROM account',
  'LOCK TABLE account IN ACCESS EXCLUSIVE MODE',
  'LISTEN chan',
  "NOTIFY chan, 'x'",
  'VACUUM account',
  'COMMIT',
  'ROLLBACK',
  'BEGIN',
];

const WRITES_THE_TRANSACTION_REFUSES = [
  'SELECT * INTO loot FROM account',
  'WITH gone AS (DELETE FROM account RETURNING *) SELECT * FROM gone',
  "WITH added AS (INSERT INTO audit VALUES (now(), 'x') RETURNING *) SELECT count(*) FROM added",
  'SELECT * FROM account FOR UPDATE',
  "SELECT nextval('ticket')",
  "SELECT setval('ticket', 100)",
  'SELECT wipe()',
  'TABLE account; DELETE FROM account',
];

const REFUSED_FUNCTIONS = [
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT pg_read_file('PG_VERSION')",
  "SELECT pg_catalog.pg_read_file('PG_VERSION')",
  `SELECT "pg_read_file"('PG_VERSION')`,
  `SELECT U&"pg\\005fread_file"('PG_VERSION')`,
  `SELECT U&"pg!005fread_file"('PG_VERSION') UESCAPE '!'`,
  "SELECT PG_READ_FILE /* */ ('PG_VERSION')",
  "SELECT pg_read_binary_file('PG_VERSION')",
  "SELECT * FROM pg_ls_dir('.')",
  "SELECT pg_stat_file('PG_VERSION')",
  "SELECT lo_import('/etc/passwd')",
  "SELECT lo_export(1, '/tmp/r1flow-pwned-lo')",
  "SELECT set_config('default_transaction_read_only', 'off', false)",
  "SELECT set_config('role', 'none', true)",
  'SELECT pg_advisory_lock(42)',
  'SELECT pg_advisory_xact_lock(42)',
  'SELECT pg_try_advisory_lock(42)',
  'SELECT pg_terminate_backend(pg_backend_pid())',
  'SELECT pg_reload_conf()',
  "SELECT query_to_xml('DELETE FROM account', true, true, '')",
  "SELECT table_to_xml('account', true, true, '')",
  "SELECT * FROM dblink('dbname=wh', 'DELETE FROM account') AS t(x text)",
  "SELECT dblink_exec('dbname=wh', 'DELETE FROM account')",
  "SELECT E'\\'', pg_read_file('PG_VERSION')",
  "SELECT $q$ it's $q$, pg_read_file('PG_VERSION')",
];

describe('PostgreSQL executor as the superuser', () => {
  it('lets BEGIN READ ONLY stop writes, but not a superuser reading server files: hence the name checks', async () => {
    const client = new pg.Client({ connectionString: warehouse.url });
    await client.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await expect(client.query('DELETE FROM account')).rejects.toMatchObject({ code: '25006' });
      await client.query('ROLLBACK');
      await client.query('BEGIN READ ONLY');
      const file = await client.query<{ v: string }>("SELECT pg_read_file('PG_VERSION') AS v");
      expect(file.rows[0]?.v).toMatch(/^\d+/);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  it('changes nothing, whatever it is sent', async () => {
    const before = await fingerprint();
    for (const sql of WRITES) {
      const outcome = await run(sql);
      expect(outcome, sql).toMatchObject({
        status: 'readonly_violation',
        error: { code: 'SQL_READONLY_VIOLATION' },
      });
    }
    for (const sql of WRITES_THE_TRANSACTION_REFUSES) {
      const outcome = await run(sql);
      expect(outcome.status, `${sql}: ${outcome.error?.message}`).toBe('readonly_violation');
    }
    for (const sql of REFUSED_FUNCTIONS) {
      const outcome = await run(sql);
      expect(outcome, sql).toMatchObject({
        status: 'readonly_violation',
        error: { code: 'SQL_READONLY_VIOLATION' },
      });
    }
    expect(await fingerprint()).toBe(before);
    for (const file of ['copy-to', 'copy-from', 'copy-file', 'lo']) {
      expect(existsSync(join('/tmp', `r1flow-pwned-${file}`))).toBe(false);
    }
  });

  it('leaves the pooled connections as they were: superuser, read-only per candidate, default timeouts', async () => {
    const outcome = await run(
      "SELECT current_user, current_setting('transaction_read_only'), current_setting('statement_timeout') <> '0'",
    );
    expect(outcome.rows).toEqual([['r1flow', 'on', true]]);
    const held = await server.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
    expect(held[0]?.n).toBe(0);
  });

  it('refuses dblink, which would write through a second connection, where the extension is installed', async (context) => {
    if (!dblinkInstalled) context.skip('the dblink extension is not available on this PostgreSQL');
    const outcome = await run("SELECT dblink_exec('dbname=wh', 'DELETE FROM account')");
    expect(outcome.status).toBe('readonly_violation');
  });

  it('stops pg_sleep and infinite recursion at the timeout and keeps serving', async () => {
    const sleeps = await Promise.all(
      [1, 2, 3].map((n) => run(`SELECT pg_sleep(30), ${n}`, { timeoutMs: 300 })),
    );
    expect(sleeps.map((o) => o.status)).toEqual(['timeout', 'timeout', 'timeout']);
    const recursion = await run(
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT max(n) FROM r',
      {
        timeoutMs: 300,
      },
    );
    expect(recursion.status).toBe('timeout');
    expect((await run('SELECT count(*) FROM account')).rows).toEqual([[2]]);
    const active = await server.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND (query LIKE '%pg_sleep(30)%' OR query LIKE '%RECURSIVE%') AND pid <> pg_backend_pid()",
    );
    expect(active[0]?.n).toBe(0);
  });

  it('cuts a huge result at the row cap and the byte cap', async () => {
    const rows = await run('SELECT generate_series(1, 100000000)', { maxRows: 10 });
    expect(rows).toMatchObject({ status: 'ok', rowCount: 10, truncated: true, truncatedBy: 'rows' });
    const bytes = await run("SELECT repeat('x', 100000), generate_series(1, 100000000)", {
      maxRows: 1000,
    });
    expect(bytes).toMatchObject({ status: 'ok', truncated: true, truncatedBy: 'bytes', rowCount: 0 });
    // In FROM, PostgreSQL stores a set-returning function's whole result before the first row:
    // there the timeout, not the cap, stops it.
    const stored = await run('SELECT g FROM generate_series(1, 100000000) g', { timeoutMs: 300 });
    expect(stored.status).toBe('timeout');
  });
});

describe('a reader role made as the README says', () => {
  it('cannot write or read server files even outside r1flow', async () => {
    await server.query(
      `CREATE ROLE r1flow_reader LOGIN PASSWORD 'reader-pw';
       GRANT CONNECT ON DATABASE wh TO r1flow_reader;
       ALTER ROLE r1flow_reader SET default_transaction_read_only = on`,
    );
    await server.query(
      'GRANT USAGE ON SCHEMA public TO r1flow_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO r1flow_reader',
      [],
      'wh',
    );
    const client = new pg.Client({
      connectionString: server.urlFor('wh', { name: 'r1flow_reader', password: 'reader-pw' }),
    });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM account')).rows).toEqual([{ n: 2 }]);
      await expect(client.query('DELETE FROM account')).rejects.toMatchObject({ code: '25006' });
      await expect(client.query("SELECT pg_read_file('PG_VERSION')")).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await client.end();
    }
  });
});
