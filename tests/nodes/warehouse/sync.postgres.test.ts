// warehouse.sync@1 with a real PostgreSQL server: as a source (keyset pages, one snapshot), as the
// warehouse (upsert, one transaction per table, watermark committed with the rows), both at once,
// and the failures: a table broken off half-way (a constraint, the connection killed) keeps its
// watermark with its rows; a wrong password or an unreachable server names the connection only.
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionLookup, ResolvedConnection } from '../../../engine/connections.ts';
import { connectionNotFound } from '../../../engine/connections.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { connectionWarehouse, indexPathFor } from '../../../nodes/schema/warehouse-source.ts';
import type { PostgresServer } from '../../support/postgres-server.ts';
import { startPostgresServer } from '../../support/postgres-server.ts';
import type { SyncRunOptions, SyncWorkspace } from './sync-fixtures.ts';
import { createSyncWorkspace } from './sync-fixtures.ts';

let server: PostgresServer;
let databases = 0;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.close();
});

let ws: SyncWorkspace;
let connections: Map<string, string>;
beforeEach(() => {
  ws = createSyncWorkspace();
  connections = new Map();
});
afterEach(() => ws.cleanup());

const lookup: ConnectionLookup = async (name) => {
  const url = connections.get(name);
  if (url === undefined) throw connectionNotFound(name);
  return { name, kind: 'postgres', url } satisfies ResolvedConnection;
};

/** A fresh database registered as connection `name`, filled by `sql`. */
async function database(name: string, sql = ''): Promise<string> {
  databases += 1;
  const db = `${name}_${databases}`;
  connections.set(name, await server.createDatabase(db));
  if (sql !== '') await server.query(sql, [], db);
  return db;
}

const sync = (params: Record<string, unknown>, options: SyncRunOptions = {}) =>
  ws.sync(params, { connection: lookup, ...options });

async function syncError(params: Record<string, unknown>): Promise<R1flowError> {
  const error = await sync(params).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(R1flowError);
  return error as R1flowError;
}

const pgSource = (extra: Record<string, unknown> = {}) => ({ kind: 'postgres', connection: 'src', ...extra });

// Five customers share one updated_at: paged two at a time, none may be skipped or read twice.
const PG_SHOP = `
  CREATE TABLE customers (
    id SERIAL PRIMARY KEY, name TEXT NOT NULL, balance NUMERIC(10,2), active BOOLEAN NOT NULL DEFAULT true,
    tags TEXT[], updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE events (kind TEXT NOT NULL, at TIMESTAMPTZ);
  INSERT INTO customers (name, balance, active, tags, updated_at) VALUES
    ('Ada', 10.10, true, '{vip}', '2024-01-01 09:00:00.123456+00'),
    ('Grace', 2.50, false, NULL, '2024-01-01 09:00:00.123456+00'),
    ('Edsger', 0.01, true, '{a,b}', '2024-01-01 09:00:00.123456+00'),
    ('Barbara', 99999999.99, true, NULL, '2024-01-01 09:00:00.123456+00'),
    ('Donald', NULL, true, NULL, '2024-01-01 09:00:00.123456+00'),
    ('Alan', 1, true, NULL, '2024-01-02 00:00:00+00');
  INSERT INTO events VALUES ('signup', '2024-01-01'), ('signup', '2024-01-01'), ('login', NULL);
`;

describe('warehouse.sync from PostgreSQL into SQLite', () => {
  it('copies every table in pages, then only the new and changed rows', async () => {
    const src = await database('src', PG_SHOP);
    const warehouse = ws.path('warehouse.sqlite');

    const first = await sync({
      source: pgSource({ watermark: 'updated_at' }),
      warehouse,
      createWarehouse: true,
      batchSize: 2,
      reindex: false,
    });

    expect(first.source).toBe('postgres:src/public');
    expect(first.tablesCreated).toEqual(['customers', 'events']);
    expect(
      first.tables.map(({ table, mode, rowsRead, rowsCopied }) => ({ table, mode, rowsRead, rowsCopied })),
    ).toEqual([
      { table: 'customers', mode: 'watermark', rowsRead: 6, rowsCopied: 6 },
      { table: 'events', mode: 'replace', rowsRead: 3, rowsCopied: 3 },
    ]);
    expect(first.tables[0]?.watermark).toBe('2024-01-02 00:00:00+00');
    expect(
      ws.query(warehouse, 'SELECT id, name, balance, active, tags, updated_at FROM customers ORDER BY id'),
    ).toEqual([
      {
        id: 1,
        name: 'Ada',
        balance: 10.1,
        active: 1,
        tags: '{vip}',
        updated_at: '2024-01-01 09:00:00.123456+00',
      },
      {
        id: 2,
        name: 'Grace',
        balance: 2.5,
        active: 0,
        tags: null,
        updated_at: '2024-01-01 09:00:00.123456+00',
      },
      {
        id: 3,
        name: 'Edsger',
        balance: 0.01,
        active: 1,
        tags: '{a,b}',
        updated_at: '2024-01-01 09:00:00.123456+00',
      },
      {
        id: 4,
        name: 'Barbara',
        balance: 99999999.99,
        active: 1,
        tags: null,
        updated_at: '2024-01-01 09:00:00.123456+00',
      },
      {
        id: 5,
        name: 'Donald',
        balance: null,
        active: 1,
        tags: null,
        updated_at: '2024-01-01 09:00:00.123456+00',
      },
      { id: 6, name: 'Alan', balance: 1, active: 1, tags: null, updated_at: '2024-01-02 00:00:00+00' },
    ]);
    const [ddl] = ws.query<{ sql: string }>(
      warehouse,
      "SELECT sql FROM sqlite_schema WHERE name = 'customers'",
    );
    expect(ddl?.sql).toContain('"balance" numeric(10,2)');
    expect(ddl?.sql).toContain('PRIMARY KEY ("id")');

    await server.query(
      `UPDATE customers SET balance = 20, updated_at = '2024-02-01' WHERE name = 'Grace';
       INSERT INTO customers (name, updated_at) VALUES ('Niklaus', '2024-02-02');`,
      [],
      src,
    );
    const second = await sync({
      source: pgSource({ watermark: 'updated_at' }),
      warehouse,
      batchSize: 2,
      reindex: false,
    });

    expect(second.tables[0]).toMatchObject({
      table: 'customers',
      created: false,
      rowsRead: 2,
      rowsCopied: 2,
    });
    expect(ws.query(warehouse, 'SELECT id, balance FROM customers WHERE id IN (2, 7) ORDER BY id')).toEqual([
      { id: 2, balance: 20 },
      { id: 7, balance: null },
    ]);
    expect(ws.query(warehouse, 'SELECT count(*) AS n FROM customers')).toEqual([{ n: 7 }]);
  });
});

const SQLITE_SHOP = `
  CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, joined DATE, updated_at TEXT NOT NULL);
  CREATE TABLE events (kind TEXT, at TEXT);
  INSERT INTO customers VALUES (1, 'Ada', 1.5, '2023-05-01', '2024-01-01'), (2, 'Grace', NULL, 'someday', '2024-01-01');
  INSERT INTO events VALUES ('signup', '2024-01-01'), ('login', '2024-01-02');
`;

describe('warehouse.sync into PostgreSQL', () => {
  it('from SQLite: creates mapped tables, upserts, and a second sync copies only what changed', async () => {
    const wh = await database('wh');
    const source = ws.sqlite('source.sqlite', SQLITE_SHOP);
    const params = {
      source: { kind: 'sqlite', path: source, tables: { customers: { watermark: 'updated_at' } } },
      connection: 'wh',
    };

    const first = await sync(params);

    expect(first.warehouse).toBe('connection:wh');
    expect(first.rowsCopied).toBe(4);
    // The schema index of the connection (schema.retrieve's), without r1flow's _r1flow_sync_state.
    expect(first.reindex).toMatchObject({ tablesIndexed: 2, tablesRemoved: 0 });
    const index = indexPathFor(connectionWarehouse(await lookup('wh')), ws.path('schema-index'));
    expect(existsSync(index)).toBe(true);
    const columns = await server.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = 'customers' ORDER BY ordinal_position`,
      [],
      wh,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'name', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'score', data_type: 'double precision', is_nullable: 'YES' },
      { column_name: 'joined', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'updated_at', data_type: 'text', is_nullable: 'NO' },
    ]);
    expect(
      await server.query('SELECT id::int, name, score, joined FROM customers ORDER BY id', [], wh),
    ).toEqual([
      { id: 1, name: 'Ada', score: 1.5, joined: '2023-05-01' },
      { id: 2, name: 'Grace', score: null, joined: 'someday' },
    ]);

    ws.exec(
      source,
      `UPDATE customers SET name = 'Grace Hopper', updated_at = '2024-02-01' WHERE id = 2;
       INSERT INTO customers VALUES (3, 'Edsger', 2, NULL, '2024-02-02');
       INSERT INTO events VALUES ('logout', '2024-02-03');`,
    );
    const second = await sync(params);

    expect(second.tables.map(({ table, rowsRead, rowsCopied }) => ({ table, rowsRead, rowsCopied }))).toEqual(
      [
        { table: 'customers', rowsRead: 2, rowsCopied: 2 },
        { table: 'events', rowsRead: 1, rowsCopied: 1 },
      ],
    );
    expect(await server.query('SELECT id::int, name FROM customers ORDER BY id', [], wh)).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace Hopper' },
      { id: 3, name: 'Edsger' },
    ]);
    expect(
      await server.query(
        'SELECT table_name, watermark_column, value_type, value, rows_copied::int FROM _r1flow_sync_state ORDER BY table_name',
        [],
        wh,
      ),
    ).toEqual([
      {
        table_name: 'customers',
        watermark_column: 'updated_at',
        value_type: 'text',
        value: '2024-02-02',
        rows_copied: 4,
      },
      { table_name: 'events', watermark_column: 'rowid', value_type: 'integer', value: '3', rows_copied: 3 },
    ]);
    // Re-indexed incrementally: new rows in tables of the same definition re-read no table.
    expect(second.reindex).toMatchObject({ tablesIndexed: 0, tablesUnchanged: 2 });
    const third = await sync(params);
    expect(third.rowsCopied).toBe(0);
    expect(third.reindex).toMatchObject({ tablesIndexed: 0, tablesUnchanged: 2, tablesRemoved: 0 });
  });

  it('from CSV files: keyed rows are upserted, equal rows are not counted', async () => {
    await database('wh');
    const csv = ws.path('csv');
    mkdirSync(csv);
    ws.write('csv/rates.csv', 'day,currency,rate\n2024-01-01,EUR,1.1\n2024-01-01,GBP,1.27\n');
    const params = {
      source: { kind: 'csv', directory: csv, tables: { rates: { key: ['day', 'currency'] } } },
      connection: 'wh',
      reindex: false,
    };
    expect((await sync(params)).rowsCopied).toBe(2);
    ws.write(
      'csv/rates.csv',
      'day,currency,rate\n2024-01-01,EUR,1.1\n2024-01-01,GBP,1.3\n2024-01-02,EUR,1.2\n',
    );

    const report = await sync(params);

    expect(report.tables[0]).toMatchObject({ mode: 'full', rowsRead: 3, rowsCopied: 2 });
    const wh = `wh_${databases}`;
    expect(
      await server.query('SELECT day, currency, rate FROM rates ORDER BY day, currency', [], wh),
    ).toEqual([
      { day: '2024-01-01', currency: 'EUR', rate: 1.1 },
      { day: '2024-01-01', currency: 'GBP', rate: 1.3 },
      { day: '2024-01-02', currency: 'EUR', rate: 1.2 },
    ]);
  });

  it('from PostgreSQL: types, values and watermarks come through exactly', async () => {
    const src = await database('src', PG_SHOP);
    const wh = await database('wh');
    const params = {
      source: pgSource({ watermark: 'updated_at' }),
      connection: 'wh',
      batchSize: 2,
      reindex: false,
    };

    await sync(params);

    const copy = 'SELECT id, name, balance::text, active, tags, updated_at::text FROM customers ORDER BY id';
    expect(await server.query(copy, [], wh)).toEqual(await server.query(copy, [], src));
    const types = `SELECT column_name, format_type(atttypid, atttypmod) AS type FROM information_schema.columns
      JOIN pg_attribute ON attrelid = 'customers'::regclass AND attname = column_name
      WHERE table_name = 'customers' ORDER BY ordinal_position`;
    expect(await server.query(types, [], wh)).toEqual(await server.query(types, [], src));
    expect(await server.query('SELECT count(*)::int AS n FROM events', [], wh)).toEqual([{ n: 3 }]);

    await server.query(
      "UPDATE customers SET active = false, updated_at = '2024-03-01' WHERE id = 1",
      [],
      src,
    );
    const second = await sync(params);

    expect(second.tables[0]).toMatchObject({
      rowsRead: 1,
      rowsCopied: 1,
      watermark: '2024-03-01 00:00:00+00',
    });
    expect(await server.query(copy, [], wh)).toEqual(await server.query(copy, [], src));
  });
});

describe('warehouse.sync between PostgreSQL databases when the source schema changes', () => {
  it('a new nullable column is added; a changed type stops the sync before anything is written', async () => {
    const src = await database('src', PG_SHOP);
    const wh = await database('wh');
    const params = { source: pgSource({ watermark: 'updated_at' }), connection: 'wh', reindex: false };
    await sync(params);
    await server.query(
      `ALTER TABLE customers ADD COLUMN nickname TEXT;
       UPDATE customers SET nickname = 'Amazing', updated_at = '2024-04-01' WHERE id = 1;`,
      [],
      src,
    );

    const widened = await sync(params);

    expect(widened.tables[0]).toMatchObject({ columnsAdded: ['nickname'], rowsCopied: 1 });
    expect(
      await server.query('SELECT id, nickname FROM customers WHERE id <= 2 ORDER BY id', [], wh),
    ).toEqual([
      { id: 1, nickname: 'Amazing' },
      { id: 2, nickname: null },
    ]);

    await server.query(
      `ALTER TABLE events ALTER COLUMN kind TYPE BYTEA USING kind::bytea;
       UPDATE customers SET name = 'Ada L.', updated_at = '2024-05-01' WHERE id = 1;`,
      [],
      src,
    );
    const before = await server.query('SELECT * FROM customers ORDER BY id', [], wh);

    const error = await syncError(params);

    expect(error.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(error.message).toContain('table "events": column "kind" type changed from text to bytea');
    expect(await server.query('SELECT * FROM customers ORDER BY id', [], wh)).toEqual(before);
  });
});

describe('warehouse.sync into PostgreSQL, broken off half-way', () => {
  async function syncedOnce(): Promise<{ wh: string; source: string }> {
    const wh = await database('wh');
    const source = ws.sqlite('source.sqlite', SQLITE_SHOP);
    await sync({ source: { kind: 'sqlite', path: source }, connection: 'wh', reindex: false });
    ws.exec(
      source,
      `INSERT INTO customers VALUES (3, 'Edsger', 2, NULL, '2024-02-02');
       INSERT INTO events VALUES ('fine', '2024-02-03'), ('bad', '2024-02-04'), ('fine', '2024-02-05');`,
    );
    return { wh, source };
  }

  const stateOf = (wh: string) =>
    server.query(
      'SELECT table_name, value, rows_copied::int FROM _r1flow_sync_state ORDER BY table_name',
      [],
      wh,
    );

  it('a failing batch rolls the table and its watermark back; tables before it stay committed', async () => {
    const { wh, source } = await syncedOnce();
    await server.query("ALTER TABLE events ADD CONSTRAINT no_bad CHECK (kind <> 'bad')", [], wh);
    const eventsBefore = await server.query('SELECT * FROM events ORDER BY at', [], wh);

    const error = await syncError({
      source: { kind: 'sqlite', path: source },
      connection: 'wh',
      batchSize: 1,
    });

    expect(error.code).toBe('SYNC_FAILED');
    expect(error.message).toMatch(
      /table "events" was left as it was \(.*no_bad.*committed before it: customers/,
    );
    expect(await server.query('SELECT * FROM events ORDER BY at', [], wh)).toEqual(eventsBefore);
    expect(await stateOf(wh)).toEqual([
      { table_name: 'customers', value: '3', rows_copied: 3 },
      { table_name: 'events', value: '2', rows_copied: 2 },
    ]);
  });

  it('a connection killed between batches leaves rows and watermark as they were, and a retry copies each row once', async () => {
    const { wh, source } = await syncedOnce();
    // The third new event kills the sync's own connection, after the first batches were written.
    await server.query(
      `CREATE FUNCTION kill_on_bad() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.kind = 'bad' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END $$;
       CREATE TRIGGER kill BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION kill_on_bad();`,
      [],
      wh,
    );

    const error = await syncError({
      source: { kind: 'sqlite', path: source },
      connection: 'wh',
      batchSize: 1,
    });

    expect(error.message).toContain('table "events" was left as it was');
    expect(error.retryable).toBe(true);
    expect(await server.query('SELECT count(*)::int AS n FROM events', [], wh)).toEqual([{ n: 2 }]);
    expect(await stateOf(wh)).toEqual([
      { table_name: 'customers', value: '3', rows_copied: 3 },
      { table_name: 'events', value: '2', rows_copied: 2 },
    ]);

    await server.query('DROP TRIGGER kill ON events', [], wh);
    const retry = await sync({
      source: { kind: 'sqlite', path: source },
      connection: 'wh',
      batchSize: 1,
      reindex: false,
    });

    expect(retry.tables.map(({ table, rowsCopied }) => ({ table, rowsCopied }))).toEqual([
      { table: 'customers', rowsCopied: 0 },
      { table: 'events', rowsCopied: 3 },
    ]);
    expect(await server.query('SELECT kind FROM events ORDER BY at', [], wh)).toEqual([
      { kind: 'signup' },
      { kind: 'login' },
      { kind: 'fine' },
      { kind: 'bad' },
      { kind: 'fine' },
    ]);
  });
});

describe('warehouse.sync with a PostgreSQL connection it cannot use', () => {
  it('a wrong password names the connection and never the password', async () => {
    const db = await database('wh');
    const wrong = server.urlFor(db, { name: 'r1flow', password: 'not-the-Secret-9' });
    connections.set('wh', wrong);
    const source = ws.sqlite('source.sqlite', SQLITE_SHOP);

    const asWarehouse = await syncError({ source: { kind: 'sqlite', path: source }, connection: 'wh' });
    connections.set('src', wrong);
    const asSource = await syncError({
      source: pgSource(),
      warehouse: ws.path('w.sqlite'),
      createWarehouse: true,
    });

    for (const error of [asWarehouse, asSource]) {
      expect(error.code).toBe('WAREHOUSE_CONNECT_FAILED');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/connection "(wh|src)".*password authentication failed/);
      expect(JSON.stringify({ message: error.message, data: error.data })).not.toContain('not-the-Secret-9');
      expect(JSON.stringify({ message: error.message, data: error.data })).not.toContain(server.password);
    }
  });

  it('an unreachable server names the connection', async () => {
    connections.set('wh', `postgres://r1flow:${server.password}@127.0.0.1:1/nowhere`);
    const source = ws.sqlite('source.sqlite', SQLITE_SHOP);

    const error = await syncError({ source: { kind: 'sqlite', path: source }, connection: 'wh' });

    expect(error.code).toBe('WAREHOUSE_CONNECT_FAILED');
    expect(error.message).toMatch(/cannot connect to PostgreSQL connection "wh": .*ECONNREFUSED/);
    expect(error.message).not.toContain(server.password);
  });

  it('an unknown connection is CONNECTION_NOT_FOUND', async () => {
    const error = await syncError({
      source: pgSource(),
      warehouse: ws.path('w.sqlite'),
      createWarehouse: true,
    });
    expect(error.code).toBe('CONNECTION_NOT_FOUND');
  });
});
