// Incremental re-indexing: each table's fingerprint (its definition, a sign of its data, the
// index settings) is compared with the one stored; only added or changed tables are re-read,
// re-chunked and re-embedded, dropped tables are removed, and unchanged ones cost only their
// fingerprint. How a fingerprint is taken depends on the engine (warehouse-reader.ts).
import { createHash } from 'node:crypto';
import type { Embedder, PendingEmbedding } from './embed-chunks.ts';
import { embedChunks, vectorRecords } from './embed-chunks.ts';
import { DEFAULT_SCHEMA_INDEX_DIR } from './index-location.ts';
import { chunkTable } from './schema-chunks.ts';
import type { TableWrite } from './schema-index.ts';
import { SchemaIndex } from './schema-index.ts';
import type { SpiderDatabase } from './spider-metadata.ts';
import type { VectorStore } from './vector-store.ts';
import type { WarehouseReader } from './warehouse-reader.ts';
import type { WarehouseSource } from './warehouse-source.ts';
import { changeStamp, indexPathFor, openWarehouseReader, sqliteWarehouse } from './warehouse-source.ts';

export interface IndexSettings {
  /** Example values per column; default 2 (SQL-R1's Spider cache). */
  examplesPerColumn?: number;
  /** The warehouse's Spider tables.json entry: its names, types and keys replace SQLite's. */
  spider?: SpiderDatabase | undefined;
  /** Embeds new and changed chunks; without it the index is BM25 only. */
  embedder?: Embedder | undefined;
  /** Where vectors go; default the index file's own sqlite-vec table. */
  vectors?: VectorStore | undefined;
  signal?: AbortSignal | undefined;
  /** Told about what re-indexing skipped (example values a warehouse could not give). */
  warn?: ((message: string) => void) | undefined;
}

export interface ReindexOptions extends IndexSettings {
  /** The index file; default the warehouse's under data/schema-index (`indexPathFor`). */
  indexPath?: string;
}

export interface ReindexReport {
  tablesIndexed: number;
  tablesUnchanged: number;
  tablesRemoved: number;
  /** Tables whose chunks were (re-)embedded, also unchanged ones that lacked vectors of this model. */
  tablesEmbedded: number;
  ms: number;
}

/**
 * Brings the index of a warehouse (a SQLite or DuckDB file's path, or any warehouse source such as
 * a PostgreSQL connection) up to date, opening and closing its index file; what warehouse.sync
 * calls after copying data.
 */
export async function reindexWarehouse(
  warehouse: string | WarehouseSource,
  options: ReindexOptions = {},
): Promise<ReindexReport> {
  const source = typeof warehouse === 'string' ? sqliteWarehouse(warehouse) : warehouse;
  const index = SchemaIndex.open(options.indexPath ?? indexPathFor(source, DEFAULT_SCHEMA_INDEX_DIR));
  try {
    return await index.exclusive(() => updateSchemaIndex(index, source, options));
  } finally {
    index.close();
  }
}

/**
 * Re-indexes only when the warehouse's change stamp (a SQLite file's size and time) or the
 * settings changed since the last run; undefined when nothing changed. A warehouse without a
 * stamp (PostgreSQL) has its fingerprints compared on every call. For callers that hold an index
 * open across requests.
 */
export async function refreshSchemaIndex(
  index: SchemaIndex,
  warehouse: WarehouseSource,
  settings: IndexSettings,
): Promise<ReindexReport | undefined> {
  const warehouseStamp = changeStamp(warehouse);
  if (warehouseStamp === undefined) return updateSchemaIndex(index, warehouse, settings);
  const stamp = [warehouseStamp, settingsSalt(settings), embeddingKeyOf(index, settings) ?? ''].join('|');
  if (index.getMeta('warehouse_stamp') === stamp) return undefined;
  const report = await updateSchemaIndex(index, warehouse, settings);
  index.setMeta('warehouse_stamp', stamp);
  return report;
}

interface TableChanges {
  /** Every table of the warehouse, in its order. */
  names: string[];
  changed: Set<string>;
  removed: string[];
  written: TableWrite[];
}

export async function updateSchemaIndex(
  index: SchemaIndex,
  warehouse: WarehouseSource,
  settings: IndexSettings,
): Promise<ReindexReport> {
  const started = performance.now();
  const reader = await openWarehouseReader(warehouse, settings);
  let changes: TableChanges;
  try {
    changes = await findChanges(index, reader, settings);
  } finally {
    await reader.close();
  }
  const vectors = settings.vectors ?? index.localVectors;
  const embedder = settings.embedder;
  const embeddingKey = embeddingKeyOf(index, settings);
  if (embeddingKey !== undefined && index.getMeta('embedding_key') !== embeddingKey) {
    // Another model (or none yet): its vectors are not comparable with this one's.
    await vectors.clear();
    index.markAllUnembedded();
    index.setMeta('embedding_key', embeddingKey);
  }
  const pending = embeddingKey === undefined ? [] : pendingEmbeddings(index, changes, embeddingKey);
  const embeddings = embedder
    ? await embedChunks(
        embedder,
        pending.flatMap(({ chunks }) => chunks),
        settings.signal,
      )
    : [];

  const newIds = index.writeTables(changes.written, changes.removed, changes.names);
  for (const table of [...changes.removed, ...changes.changed]) await vectors.deleteByTable(table);
  if (embeddingKey !== undefined) {
    await vectors.upsert(vectorRecords(pending, newIds, embeddings));
    index.markEmbedded(
      pending.map(({ table }) => table),
      embeddingKey,
    );
  }
  return {
    tablesIndexed: changes.written.length,
    tablesUnchanged: changes.names.length - changes.changed.size,
    tablesRemoved: changes.removed.length,
    tablesEmbedded: pending.length,
    ms: Math.round(performance.now() - started),
  };
}

/** Fingerprints every table against the index; reads the schema of added and changed ones. */
async function findChanges(
  index: SchemaIndex,
  reader: WarehouseReader,
  settings: IndexSettings,
): Promise<TableChanges> {
  const names = await reader.listTables();
  const stored = new Map(index.indexedTables().map((table) => [table.name, table.fingerprint]));
  const fingerprints = await reader.fingerprints(names, settingsSalt(settings));
  const changed = new Set(names.filter((name) => stored.get(name) !== fingerprints.get(name)));
  const removed = [...stored.keys()].filter((name) => !fingerprints.has(name));
  const tables = changed.size === 0 ? [] : await reader.introspect(changed, settings.examplesPerColumn ?? 2);
  const written = tables.map((schema) => ({
    schema,
    fingerprint: fingerprints.get(schema.name) ?? '',
    chunks: chunkTable(schema),
  }));
  return { names, changed, removed, written };
}

/** Chunks of changed tables, and of unchanged tables that lack vectors of this model and store. */
function pendingEmbeddings(
  index: SchemaIndex,
  changes: TableChanges,
  embeddingKey: string,
): PendingEmbedding[] {
  const stale = index
    .indexedTables()
    .filter(
      (table) =>
        !changes.changed.has(table.name) &&
        !changes.removed.includes(table.name) &&
        table.embeddedWith !== embeddingKey,
    );
  return [
    ...changes.written.map(({ schema, chunks }) => ({ table: schema.name, chunks })),
    ...stale.map((table) => ({ table: table.name, chunks: index.chunksOf(table.name) })),
  ];
}

/** Names the embedding model and the vector store, so moving to another store fills that store too. */
function embeddingKeyOf(index: SchemaIndex, settings: IndexSettings): string | undefined {
  if (!settings.embedder) return undefined;
  return `${(settings.vectors ?? index.localVectors).kind}|${settings.embedder.key}`;
}

function settingsSalt(settings: IndexSettings): string {
  return createHash('sha256')
    .update(
      JSON.stringify({ examplesPerColumn: settings.examplesPerColumn ?? 2, spider: settings.spider ?? null }),
    )
    .digest('hex')
    .slice(0, 16);
}
