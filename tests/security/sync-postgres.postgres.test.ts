// warehouse.sync against PostgreSQL, attacked through what a source controls: table and column
// names made to break out of quoting (in the source, and as the watermark a flow names) reach both
// engines as names, never as SQL.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionLookup } from '../../engine/connections.ts';
import type { SyncWorkspace } from '../nodes/warehouse/sync-fixtures.ts';
import { createSyncWorkspace } from '../nodes/warehouse/sync-fixtures.ts';
import type { PostgresServer } from '../support/postgres-server.ts';
import { startPostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let ws: SyncWorkspace;
const urls = new Map<string, string>();
const lookup: ConnectionLookup = async (name) => ({ name, kind: 'postgres', url: urls.get(name) ?? '' });

beforeAll(async () => {
  server = await startPostgresServer();
  urls.set('src', await server.createDatabase('hostile_src'));
  urls.set('wh', await server.createDatabase('hostile_wh'));
  await server.query(
    `CREATE TABLE canary (x int);
     CREATE TABLE "t""; DROP TABLE canary; --" ("id""); DROP TABLE canary; --" int PRIMARY KEY, "v" text);
     INSERT INTO "t""; DROP TABLE canary; --" VALUES (1, 'a'), (2, 'b');`,
    [],
    'hostile_src',
  );
  await server.query('CREATE TABLE canary (x int)', [], 'hostile_wh');
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  ws = createSyncWorkspace();
});
afterEach(() => ws.cleanup());

const HOSTILE_TABLE = 't"; DROP TABLE canary; --';

describe('warehouse.sync with hostile PostgreSQL names', () => {
  it('copies a table whose names try to close the quotes, into PostgreSQL and SQLite, as plain names', async () => {
    const source = { kind: 'postgres', connection: 'src', watermark: 'id"); DROP TABLE canary; --' };

    const intoPostgres = await ws.sync({ source, connection: 'wh', reindex: false }, { connection: lookup });
    const warehouse = ws.path('w.sqlite');
    const intoSqlite = await ws.sync(
      { source, warehouse, createWarehouse: true, reindex: false },
      { connection: lookup },
    );

    expect(intoPostgres.tables.map((table) => [table.table, table.rowsCopied])).toEqual([
      ['canary', 0],
      [HOSTILE_TABLE, 2],
    ]);
    expect(intoSqlite.rowsCopied).toBe(2);
    expect(
      await server.query(`SELECT * FROM "t""; DROP TABLE canary; --" ORDER BY 1`, [], 'hostile_wh'),
    ).toEqual([
      { 'id"); DROP TABLE canary; --': 1, v: 'a' },
      { 'id"); DROP TABLE canary; --': 2, v: 'b' },
    ]);
    expect(ws.query(warehouse, `SELECT count(*) AS n FROM "t""; DROP TABLE canary; --"`)).toEqual([{ n: 2 }]);
    for (const db of ['hostile_src', 'hostile_wh']) {
      expect(await server.query('SELECT count(*)::int AS n FROM canary', [], db)).toEqual([{ n: 0 }]);
    }
  });
});
