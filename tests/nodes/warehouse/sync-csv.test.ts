import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncWorkspace } from './sync-fixtures.ts';
import { createSyncWorkspace, sha256 } from './sync-fixtures.ts';

let ws: SyncWorkspace;
let feed: string;
let warehouse: string;
beforeEach(() => {
  ws = createSyncWorkspace();
  feed = ws.path('feed');
  mkdirSync(feed);
  warehouse = ws.sqlite('warehouse.sqlite', 'CREATE TABLE existing (x INTEGER)');
});
afterEach(() => ws.cleanup());

const csv = (name: string, text: string) => writeFileSync(join(feed, `${name}.csv`), text);
const csvSource = (tables: Record<string, unknown> = {}) => ({ kind: 'csv', directory: feed, tables });

describe('warehouse.sync from CSV files', () => {
  it('reads quoted fields with commas, quotes and line breaks, and empty values as NULL', async () => {
    csv(
      'notes',
      'id,author,body,stars\r\n' +
        '1,"Hopper, Grace","said ""hello""",5\r\n' +
        '2,Lovelace,"two\r\nlines",\r\n' +
        '3,,"",4\r\n',
    );
    const report = await ws.sync({ source: csvSource(), warehouse });

    expect(report.tables[0]).toMatchObject({ table: 'notes', created: true, mode: 'replace', rowsCopied: 3 });
    expect(ws.query(warehouse, 'SELECT * FROM notes ORDER BY id')).toEqual([
      { id: 1, author: 'Hopper, Grace', body: 'said "hello"', stars: 5 },
      { id: 2, author: 'Lovelace', body: 'two\r\nlines', stars: null },
      { id: 3, author: null, body: null, stars: 4 },
    ]);
  });

  it('types columns INTEGER, REAL or TEXT from their values and keeps leading zeros', async () => {
    csv(
      'places',
      'zip,lat,population,name,unknown\n02134,42.35,31000,Allston,\n10001,40.75,21102,Chelsea,\n',
    );
    await ws.sync({ source: csvSource(), warehouse });
    expect(ws.query(warehouse, "SELECT name, type FROM pragma_table_info('places')")).toEqual([
      { name: 'zip', type: 'TEXT' },
      { name: 'lat', type: 'REAL' },
      { name: 'population', type: 'INTEGER' },
      { name: 'name', type: 'TEXT' },
      { name: 'unknown', type: '' },
    ]);
    expect(ws.query(warehouse, 'SELECT zip, typeof(population) AS t FROM places')).toEqual([
      { zip: '02134', t: 'integer' },
      { zip: '10001', t: 'integer' },
    ]);
  });

  it('with a watermark and a key copies only newer rows and replaces changed ones', async () => {
    const tables = { orders: { watermark: 'updated_at', key: ['order_id'] } };
    csv('orders', 'order_id,amount,updated_at\n1,10.5,2024-01-01\n2,20,2024-01-02\n');
    await ws.sync({ source: csvSource(tables), warehouse });

    csv('orders', 'order_id,amount,updated_at\n1,10.5,2024-01-01\n2,25,2024-01-03\n3,7,2024-01-04\n');
    const report = await ws.sync({ source: csvSource(tables), warehouse });

    expect(report.tables[0]).toMatchObject({
      mode: 'watermark',
      watermark: '2024-01-04',
      rowsRead: 2,
      rowsCopied: 2,
    });
    expect(ws.query(warehouse, 'SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: 1, amount: 10.5 },
      { order_id: 2, amount: 25 },
      { order_id: 3, amount: 7 },
    ]);
  });

  it('with a key and no watermark reads every row and counts only the changed ones', async () => {
    const tables = { stock: { key: ['sku'] } };
    csv('stock', 'sku,qty\nA-1,5\nB-2,0\n');
    await ws.sync({ source: csvSource(tables), warehouse });
    csv('stock', 'sku,qty\nA-1,5\nB-2,3\nC-3,1\n');

    const report = await ws.sync({ source: csvSource(tables), warehouse });

    expect(report.tables[0]).toMatchObject({ mode: 'full', rowsRead: 3, rowsCopied: 2 });
    expect(ws.query(warehouse, 'SELECT sku, qty FROM stock ORDER BY sku')).toEqual([
      { sku: 'A-1', qty: 5 },
      { sku: 'B-2', qty: 3 },
      { sku: 'C-3', qty: 1 },
    ]);
  });

  it('without key or watermark reloads the table whole', async () => {
    csv('rates', 'currency,rate\nEUR,1.1\nGBP,1.3\n');
    await ws.sync({ source: csvSource(), warehouse });
    csv('rates', 'currency,rate\nEUR,1.2\n');
    await ws.sync({ source: csvSource(), warehouse });
    expect(ws.query(warehouse, 'SELECT * FROM rates')).toEqual([{ currency: 'EUR', rate: 1.2 }]);
  });

  it('a column that turns from numbers to text is an incompatible change; the warehouse stays as it was', async () => {
    csv('orders', 'order_id,amount\n1,10\n');
    await ws.sync({ source: csvSource(), warehouse });
    csv('orders', 'order_id,amount\n1,10\n2,n/a\n');
    const before = sha256(warehouse);

    await expect(ws.sync({ source: csvSource(), warehouse })).rejects.toMatchObject({
      code: 'SYNC_SCHEMA_CHANGED',
      message: expect.stringContaining('table "orders": column "amount" type changed from INTEGER to TEXT'),
    });
    expect(sha256(warehouse)).toBe(before);
  });

  it('a malformed file names its line and nothing is written', async () => {
    csv('good', 'a\n1\n');
    csv('orders', 'order_id,amount\n1,10\n2,"20"x\n');
    const before = sha256(warehouse);
    await expect(ws.sync({ source: csvSource(), warehouse })).rejects.toMatchObject({
      code: 'SYNC_FAILED',
      message: expect.stringMatching(/orders\.csv:3: unexpected "x" after a closing quote/),
    });
    csv('orders', 'order_id,amount\n1,10,extra\n');
    await expect(ws.sync({ source: csvSource(), warehouse })).rejects.toMatchObject({
      message: expect.stringMatching(/orders\.csv:2: 3 fields where the header has 2/),
    });
    expect(sha256(warehouse)).toBe(before);
  });

  it('a missing directory, or a missing table named in include, is SYNC_SOURCE_MISSING', async () => {
    csv('orders', 'order_id\n1\n');
    await expect(
      ws.sync({ source: csvSource(), warehouse, include: ['orders', 'refunds'] }),
    ).rejects.toMatchObject({
      code: 'SYNC_SOURCE_MISSING',
      message: expect.stringContaining('table "refunds" is missing'),
    });
    rmSync(feed, { recursive: true });
    await expect(ws.sync({ source: csvSource(), warehouse })).rejects.toMatchObject({
      code: 'SYNC_SOURCE_MISSING',
    });
  });
});
