import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../../engine/errors.ts';
import type { SyncWorkspace } from './sync-fixtures.ts';
import { createSyncWorkspace, sha256 } from './sync-fixtures.ts';

const SHOP = `
  CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, updated_at TEXT NOT NULL);
  CREATE TABLE events (kind TEXT, at TEXT);
  INSERT INTO customers VALUES (1, 'Ada', 'London', '2024-01-01'), (2, 'Grace', 'Arlington', '2024-01-01');
  INSERT INTO events VALUES ('signup', '2024-01-01'), ('signup', '2024-01-02'), ('login', '2024-01-02');
`;

let ws: SyncWorkspace;
let source: string;
let warehouse: string;
beforeEach(() => {
  ws = createSyncWorkspace();
  source = ws.sqlite('source.sqlite', SHOP);
  warehouse = ws.sqlite('warehouse.sqlite', 'CREATE TABLE existing (x INTEGER)');
});
afterEach(() => ws.cleanup());

const sqliteSource = (tables: Record<string, unknown> = {}) => ({ kind: 'sqlite', path: source, tables });

async function syncError(params: Record<string, unknown>): Promise<R1flowError> {
  const error = await ws.sync(params).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(R1flowError);
  return error as R1flowError;
}

describe('warehouse.sync from a SQLite file', () => {
  it('first sync creates every source table with its own DDL and copies every row', async () => {
    const report = await ws.sync({ source: sqliteSource(), warehouse });

    expect(report.tablesCreated).toEqual(['customers', 'events']);
    expect(report.rowsCopied).toBe(5);
    expect(
      report.tables.map(({ table, mode, watermarkColumn, watermark, rowsCopied }) => ({
        table,
        mode,
        watermarkColumn,
        watermark,
        rowsCopied,
      })),
    ).toEqual([
      { table: 'customers', mode: 'watermark', watermarkColumn: 'rowid', watermark: 2, rowsCopied: 2 },
      { table: 'events', mode: 'watermark', watermarkColumn: 'rowid', watermark: 3, rowsCopied: 3 },
    ]);
    expect(ws.query(warehouse, 'SELECT * FROM customers ORDER BY id')).toEqual(
      ws.query(source, 'SELECT * FROM customers ORDER BY id'),
    );
    const [ddl] = ws.query<{ sql: string }>(
      warehouse,
      "SELECT sql FROM sqlite_schema WHERE name = 'customers'",
    );
    expect(ddl?.sql).toContain('name TEXT NOT NULL');
    expect(report.reindex).toMatchObject({ tablesIndexed: expect.any(Number) });
  });

  it('a second sync copies only the rows added since, and reports how many', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    ws.exec(source, "INSERT INTO events VALUES ('logout', '2024-01-03'), ('login', '2024-01-04')");
    ws.exec(source, "INSERT INTO customers VALUES (3, 'Edsger', 'Austin', '2024-01-05')");

    const report = await ws.sync({ source: sqliteSource(), warehouse });

    expect(report.tablesCreated).toEqual([]);
    expect(report.tables.map((t) => [t.table, t.rowsRead, t.rowsCopied])).toEqual([
      ['customers', 1, 1],
      ['events', 2, 2],
    ]);
    expect(ws.query(warehouse, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 5 }]);
    const third = await ws.sync({ source: sqliteSource(), warehouse });
    expect(third.rowsCopied).toBe(0);
  });

  it('an updated_at watermark picks up changed rows and upserts them by primary key', async () => {
    const tables = { customers: { watermark: 'updated_at' } };
    await ws.sync({ source: sqliteSource(tables), warehouse });
    ws.exec(source, "UPDATE customers SET city = 'New York', updated_at = '2024-02-01' WHERE id = 2");
    ws.exec(source, "INSERT INTO customers VALUES (3, 'Edsger', 'Austin', '2024-02-02')");

    const report = await ws.sync({ source: sqliteSource(tables), warehouse, include: ['customers'] });

    expect(report.tables).toEqual([
      expect.objectContaining({ table: 'customers', watermark: '2024-02-02', rowsRead: 2, rowsCopied: 2 }),
    ]);
    expect(ws.query(warehouse, 'SELECT id, city FROM customers ORDER BY id')).toEqual([
      { id: 1, city: 'London' },
      { id: 2, city: 'New York' },
      { id: 3, city: 'Austin' },
    ]);
  });

  it('stores each watermark in the warehouse table _r1flow_sync_state', async () => {
    await ws.sync({ source: sqliteSource({ customers: { watermark: 'updated_at' } }), warehouse });
    expect(
      ws.query(
        warehouse,
        'SELECT source, table_name, watermark_column, value, rows_copied FROM _r1flow_sync_state',
      ),
    ).toEqual([
      {
        source: `sqlite:${source}`,
        table_name: 'customers',
        watermark_column: 'updated_at',
        value: '2024-01-01',
        rows_copied: 2,
      },
      {
        source: `sqlite:${source}`,
        table_name: 'events',
        watermark_column: 'rowid',
        value: 3,
        rows_copied: 3,
      },
    ]);
  });

  it('a table that fails half-way is rolled back with its watermark; tables before it stay committed', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    // The warehouse is stricter than the source: the second new event breaks its CHECK.
    ws.exec(
      warehouse,
      `ALTER TABLE events RENAME TO old_events;
       CREATE TABLE events (kind TEXT CHECK (kind <> 'bad'), at TEXT);
       INSERT INTO events SELECT * FROM old_events; DROP TABLE old_events;`,
    );
    ws.exec(source, "INSERT INTO customers VALUES (3, 'Edsger', 'Austin', '2024-01-05')");
    ws.exec(
      source,
      "INSERT INTO events VALUES ('fine', '2024-01-06'), ('bad', '2024-01-07'), ('fine', '2024-01-08')",
    );
    const eventsBefore = ws.query(warehouse, 'SELECT * FROM events');

    const error = await syncError({ source: sqliteSource(), warehouse, batchSize: 1 });

    expect(error.code).toBe('SYNC_FAILED');
    expect(error.message).toMatch(
      /table "events" was left as it was \(CHECK constraint failed.*committed before it: customers/,
    );
    expect(error.data).toMatchObject({ table: 'events', committed: ['customers'], notSynced: [] });
    expect(ws.query(warehouse, 'SELECT count(*) AS n FROM customers')).toEqual([{ n: 3 }]);
    expect(ws.query(warehouse, 'SELECT * FROM events')).toEqual(eventsBefore);
    expect(
      ws.query(warehouse, 'SELECT table_name, value FROM _r1flow_sync_state ORDER BY table_name'),
    ).toEqual([
      { table_name: 'customers', value: 3 },
      { table_name: 'events', value: 3 },
    ]);
  });

  it('a source that has disappeared fails with SYNC_SOURCE_MISSING and leaves the warehouse byte for byte', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    const before = sha256(warehouse);
    rmSync(source);

    const error = await syncError({ source: sqliteSource(), warehouse });

    expect(error.code).toBe('SYNC_SOURCE_MISSING');
    expect(error.message).toContain(source);
    expect(sha256(warehouse)).toBe(before);
  });

  it('an incompatible schema change names the tables and columns and leaves the warehouse unchanged', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    ws.exec(
      source,
      `ALTER TABLE customers DROP COLUMN city;
       CREATE TABLE events2 (kind INTEGER, at TEXT, score REAL NOT NULL);
       INSERT INTO events2 SELECT 1, at, 0 FROM events; DROP TABLE events; ALTER TABLE events2 RENAME TO events;`,
    );
    ws.exec(source, "INSERT INTO customers VALUES (9, 'Barbara', '2024-03-01')");
    const before = sha256(warehouse);

    const error = await syncError({ source: sqliteSource(), warehouse });

    expect(error.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(error.message).toContain('table "customers": column "city" dropped from the source');
    expect(error.message).toContain('table "events": column "kind" type changed from TEXT to INTEGER');
    expect(error.message).toContain('column "score" new NOT NULL column without a default');
    expect(sha256(warehouse)).toBe(before);
  });

  it('a new nullable column is added to the warehouse table; old rows get NULL', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    ws.exec(
      source,
      "ALTER TABLE events ADD COLUMN device TEXT; INSERT INTO events VALUES ('login', '2024-01-09', 'phone')",
    );
    ws.exec(source, "ALTER TABLE customers ADD COLUMN tier TEXT NOT NULL DEFAULT 'free'");

    const report = await ws.sync({ source: sqliteSource(), warehouse });

    expect(report.tables.map((t) => [t.table, t.columnsAdded, t.rowsCopied])).toEqual([
      ['customers', ['tier'], 0],
      ['events', ['device'], 1],
    ]);
    expect(ws.query(warehouse, 'SELECT kind, device FROM events ORDER BY rowid DESC LIMIT 2')).toEqual([
      { kind: 'login', device: 'phone' },
      { kind: 'login', device: null },
    ]);
    expect(ws.query(warehouse, 'SELECT DISTINCT tier FROM customers')).toEqual([{ tier: 'free' }]);
  });

  it('type changes within a kind (TEXT to VARCHAR) still sync', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    ws.exec(
      source,
      `CREATE TABLE e2 (kind VARCHAR(20), at TEXT); INSERT INTO e2 SELECT * FROM events;
       INSERT INTO e2 VALUES ('x', '2024-05-01'); DROP TABLE events; ALTER TABLE e2 RENAME TO events;`,
    );
    const report = await ws.sync({ source: sqliteSource(), warehouse, include: ['events'] });
    expect(report.tables[0]).toMatchObject({ table: 'events', rowsCopied: 1 });
  });

  it('a warehouse table dropped by hand is created again and filled from the first row', async () => {
    await ws.sync({ source: sqliteSource(), warehouse });
    ws.exec(warehouse, 'DROP TABLE events');
    const report = await ws.sync({ source: sqliteSource(), warehouse, include: ['events'] });
    expect(report.tables[0]).toMatchObject({ created: true, rowsCopied: 3 });
  });

  it('keeps integers beyond 2^53 exact', async () => {
    ws.exec(
      source,
      'CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO big VALUES (9007199254740993, 9223372036854775807)',
    );
    const report = await ws.sync({ source: sqliteSource(), warehouse, include: ['big'] });
    expect(report.tables[0]?.watermark).toBe('9007199254740993');
    expect(ws.query(warehouse, 'SELECT CAST(id AS TEXT) AS id, CAST(n AS TEXT) AS n FROM big')).toEqual([
      { id: '9007199254740993', n: '9223372036854775807' },
    ]);
  });

  it('reports each table through progress and stops between batches when cancelled', async () => {
    const progress: { message?: string; fraction?: number }[] = [];
    await ws.sync({ source: sqliteSource(), warehouse }, { progress });
    expect(progress).toContainEqual(
      expect.objectContaining({ message: 'synced customers: 2 rows copied (1 of 2 tables)', fraction: 0.5 }),
    );

    const controller = new AbortController();
    ws.exec(source, "INSERT INTO events VALUES ('a', '2024-06-01'), ('b', '2024-06-02')");
    const cancelled = ws.sync(
      { source: sqliteSource(), warehouse, batchSize: 1, include: ['events'] },
      {
        signal: controller.signal,
      },
    );
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    expect(ws.query(warehouse, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
    expect(ws.query(warehouse, "SELECT value FROM _r1flow_sync_state WHERE table_name = 'events'")).toEqual([
      { value: 3 },
    ]);
  });

  it('a watermark that is not a column is refused with the columns listed', async () => {
    const error = await syncError({ source: sqliteSource({ events: { watermark: 'nope' } }), warehouse });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('columns: kind, at');
  });

  it('a missing warehouse is refused unless createWarehouse is on', async () => {
    const fresh = ws.path('new/warehouse.sqlite');
    expect((await syncError({ source: sqliteSource(), warehouse: fresh })).code).toBe('WAREHOUSE_NOT_FOUND');
    const report = await ws.sync({ source: sqliteSource(), warehouse: fresh, createWarehouse: true });
    expect(report.rowsCopied).toBe(5);
  });
});
