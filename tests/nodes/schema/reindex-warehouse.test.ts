import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshSchemaIndex, reindexWarehouse } from '../../../nodes/schema/reindex-warehouse.ts';
import { SchemaIndex } from '../../../nodes/schema/schema-index.ts';
import { sqliteWarehouse } from '../../../nodes/schema/warehouse-source.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { DEMO_TABLES } from '../../../server/demo/demo-ddl.ts';
import { makeTempDir } from './spider-files.ts';
import { type CountingEmbedder, createWordHashEmbedder } from './word-hash-embedder.ts';

// 8 tables with 46 columns: a chunk per table and per column.
const DEMO_CHUNKS = 8 + 46;
const PAYMENTS_CHUNKS = 1 + 5;

let temp: ReturnType<typeof makeTempDir>;
let warehouse: string;
let indexPath: string;
let client: CountingEmbedder;

beforeEach(() => {
  temp = makeTempDir('reindex');
  warehouse = join(temp.dir, 'warehouse.sqlite');
  indexPath = join(temp.dir, 'index.sqlite');
  buildDemoWarehouse(warehouse);
  client = createWordHashEmbedder();
});

afterEach(() => temp.cleanup());

function reindex(options: { key?: string; examplesPerColumn?: number; embed?: boolean } = {}) {
  return reindexWarehouse(warehouse, {
    indexPath,
    ...(options.examplesPerColumn === undefined ? {} : { examplesPerColumn: options.examplesPerColumn }),
    ...(options.embed === false ? {} : { embedder: { key: options.key ?? 'model-a', client } }),
  });
}

function changeWarehouse(sql: string): void {
  const db = new Database(warehouse);
  db.exec(sql);
  db.close();
}

function inspectIndex<T>(read: (index: SchemaIndex) => T): T {
  const index = SchemaIndex.open(indexPath);
  try {
    return read(index);
  } finally {
    index.close();
  }
}

describe('incremental re-indexing touches only what changed', () => {
  it('indexes and embeds every table once, then nothing while the warehouse stays the same', async () => {
    expect(await reindex()).toMatchObject({
      tablesIndexed: 8,
      tablesUnchanged: 0,
      tablesRemoved: 0,
      tablesEmbedded: 8,
    });
    expect(client.embedded).toHaveLength(DEMO_CHUNKS);
    expect(await reindex()).toMatchObject({
      tablesIndexed: 0,
      tablesUnchanged: 8,
      tablesRemoved: 0,
      tablesEmbedded: 0,
    });
    expect(client.embedded).toHaveLength(DEMO_CHUNKS);
    expect(await inspectIndex((index) => index.localVectors.count())).toBe(DEMO_CHUNKS);
  });

  it('new rows in one table re-embed only that table', async () => {
    await reindex();
    changeWarehouse(
      `INSERT INTO payments (order_id, paid_at, amount, method) VALUES (1, '2025-01-02', 10.5, 'card')`,
    );
    expect(await reindex()).toMatchObject({ tablesIndexed: 1, tablesUnchanged: 7, tablesEmbedded: 1 });
    expect(client.embedded.slice(DEMO_CHUNKS)).toHaveLength(PAYMENTS_CHUNKS);
    expect(client.embedded.slice(DEMO_CHUNKS).every((text) => text.includes('payments'))).toBe(true);
    expect(await inspectIndex((index) => index.localVectors.count())).toBe(DEMO_CHUNKS);
  });

  it('an edited first row and a new column are changes too', async () => {
    await reindex();
    changeWarehouse(`UPDATE regions SET name = 'North East' WHERE region_id = 1`);
    expect(await reindex()).toMatchObject({ tablesIndexed: 1, tablesUnchanged: 7 });
    changeWarehouse('ALTER TABLE categories ADD COLUMN margin_target REAL');
    expect(await reindex()).toMatchObject({ tablesIndexed: 1, tablesUnchanged: 7 });
    expect(
      inspectIndex(
        (index) =>
          index
            .tableSchemas()
            .find((t) => t.name === 'categories')
            ?.columns.at(-1)?.name,
      ),
    ).toBe('margin_target');
  });

  it('dropped tables leave the index with their chunks and vectors; added tables join it', async () => {
    await reindex();
    changeWarehouse(
      'DROP TABLE payments; CREATE TABLE refunds (refund_id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders, amount REAL)',
    );
    expect(await reindex()).toMatchObject({
      tablesIndexed: 1,
      tablesUnchanged: 7,
      tablesRemoved: 1,
      tablesEmbedded: 1,
    });
    const { tables, vectors } = await inspectIndex(async (index) => ({
      tables: index.indexedTables().map((t) => t.name),
      vectors: await index.localVectors.count(),
    }));
    expect(tables).toEqual([...DEMO_TABLES.filter((table) => table !== 'payments'), 'refunds']);
    expect(vectors).toBe(DEMO_CHUNKS - PAYMENTS_CHUNKS + 4);
  });

  it('other index settings re-chunk every table', async () => {
    await reindex();
    expect(await reindex({ examplesPerColumn: 3 })).toMatchObject({ tablesIndexed: 8, tablesEmbedded: 8 });
  });

  it('another embedding model re-embeds every table without re-reading the warehouse', async () => {
    await reindex({ key: 'model-a' });
    expect(await reindex({ key: 'model-b' })).toMatchObject({
      tablesIndexed: 0,
      tablesUnchanged: 8,
      tablesEmbedded: 8,
    });
    expect(client.embedded).toHaveLength(2 * DEMO_CHUNKS);
    expect(await inspectIndex((index) => index.localVectors.count())).toBe(DEMO_CHUNKS);
  });

  it('a table changed while embeddings were off is embedded when they are back on, alone', async () => {
    await reindex();
    changeWarehouse(`INSERT INTO regions (name, country) VALUES ('Australia', 'Australia')`);
    expect(await reindex({ embed: false })).toMatchObject({ tablesIndexed: 1, tablesEmbedded: 0 });
    expect(await inspectIndex((index) => index.localVectors.count())).toBe(DEMO_CHUNKS - 4);
    expect(await reindex()).toMatchObject({ tablesIndexed: 0, tablesEmbedded: 1 });
    expect(client.embedded.slice(DEMO_CHUNKS).every((text) => text.includes('regions'))).toBe(true);
  });

  it('an open index is refreshed only when the warehouse file changed', async () => {
    const index = SchemaIndex.open(indexPath);
    try {
      expect(await refreshSchemaIndex(index, sqliteWarehouse(warehouse), {})).toMatchObject({
        tablesIndexed: 8,
      });
      expect(await refreshSchemaIndex(index, sqliteWarehouse(warehouse), {})).toBeUndefined();
      changeWarehouse(`INSERT INTO categories (name, description) VALUES ('Printers', 'Printers and ink')`);
      expect(await refreshSchemaIndex(index, sqliteWarehouse(warehouse), {})).toMatchObject({
        tablesIndexed: 1,
        tablesUnchanged: 7,
      });
    } finally {
      index.close();
    }
  });

  it('a missing warehouse is WAREHOUSE_NOT_FOUND', async () => {
    await expect(reindexWarehouse(join(temp.dir, 'nope.sqlite'), { indexPath })).rejects.toMatchObject({
      code: 'WAREHOUSE_NOT_FOUND',
    });
  });
});
