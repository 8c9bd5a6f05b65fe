// The schema index: one SQLite file per warehouse holding each table's schema and fingerprint,
// its chunks, an FTS5 (BM25) index over them and, by default, their embeddings (sqlite-vec).
// It is a cache of the warehouse: a format change simply rebuilds it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import type { SchemaChunk } from './schema-chunks.ts';
import { SqliteVecStore } from './sqlite-vec-store.ts';
import type { TableSchema } from './warehouse-schema.ts';

const FORMAT = '1';
const VECTOR_TABLE = 'chunk_vectors';

export interface IndexedTable {
  name: string;
  position: number;
  fingerprint: string;
  /** Key of the embedding model its chunks were embedded with; null when they have no vectors. */
  embeddedWith: string | null;
}

export interface TableWrite {
  schema: TableSchema;
  fingerprint: string;
  chunks: SchemaChunk[];
}

export interface StoredChunk extends SchemaChunk {
  id: number;
}

export interface TextHit {
  id: number;
  table: string;
  column: string | null;
}

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indexed_tables (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  schema_json TEXT NOT NULL, embedded_with TEXT);
-- AUTOINCREMENT: ids are never reused, so a vector left behind in an external store cannot
-- point at a newer chunk.
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, column_name TEXT,
  names TEXT NOT NULL, details TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_table ON chunks (table_name);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(names, details, tokenize = 'porter unicode61');
`;

export class SchemaIndex {
  readonly path: string;
  readonly #db: Database.Database;
  /** Embeddings kept in this file (sqlite-vec), the default vector store. */
  readonly localVectors: SqliteVecStore;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(path: string, db: Database.Database, localVectors: SqliteVecStore) {
    this.path = path;
    this.#db = db;
    this.localVectors = localVectors;
  }

  static open(path: string): SchemaIndex {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      // The store loads sqlite-vec, which dropping an old vec0 table needs.
      const localVectors = new SqliteVecStore(db, VECTOR_TABLE);
      prepareFormat(db);
      return new SchemaIndex(path, db, localVectors);
    } catch (error) {
      if (error instanceof R1flowError) throw error;
      throw new R1flowError(
        'SCHEMA_INDEX_ERROR',
        `cannot open schema index ${path}: ${(error as Error).message}`,
        {
          cause: error,
          data: { path },
        },
      );
    }
  }

  /** Runs `work` after every earlier call on this index has finished (re-index and search never interleave). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  getMeta(key: string): string | undefined {
    return this.#db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  indexedTables(): IndexedTable[] {
    return this.#db
      .prepare(
        'SELECT name, position, fingerprint, embedded_with AS embeddedWith FROM indexed_tables ORDER BY position',
      )
      .all() as IndexedTable[];
  }

  /** Every table's schema, in the warehouse's order. */
  tableSchemas(): TableSchema[] {
    const rows = this.#db
      .prepare('SELECT schema_json FROM indexed_tables ORDER BY position')
      .pluck()
      .all() as string[];
    return rows.map((json) => JSON.parse(json) as TableSchema);
  }

  /**
   * One transaction: drops `removed` tables, replaces the chunks of `written` ones (their vectors
   * are marked missing) and sets every table's position. Returns the new chunk ids by table.
   */
  writeTables(
    written: readonly TableWrite[],
    removed: readonly string[],
    order: readonly string[],
  ): Map<string, number[]> {
    const ids = new Map<string, number[]>();
    const insertChunk = this.#db.prepare(
      'INSERT INTO chunks (table_name, column_name, names, details) VALUES (?, ?, ?, ?)',
    );
    const insertText = this.#db.prepare('INSERT INTO chunk_text (rowid, names, details) VALUES (?, ?, ?)');
    const upsertTable = this.#db.prepare(
      `INSERT INTO indexed_tables (name, position, fingerprint, schema_json, embedded_with) VALUES (?, 0, ?, ?, NULL)
       ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, schema_json = excluded.schema_json,
       embedded_with = NULL`,
    );
    const setPosition = this.#db.prepare('UPDATE indexed_tables SET position = ? WHERE name = ?');
    this.#db.transaction(() => {
      for (const table of removed) this.#dropTable(table);
      for (const { schema, fingerprint, chunks } of written) {
        this.#dropChunks(schema.name);
        upsertTable.run(schema.name, fingerprint, JSON.stringify(schema));
        ids.set(
          schema.name,
          chunks.map((chunk) => {
            const id = Number(
              insertChunk.run(chunk.table, chunk.column, chunk.names, chunk.details).lastInsertRowid,
            );
            insertText.run(BigInt(id), chunk.names, chunk.details);
            return id;
          }),
        );
      }
      for (const [position, name] of order.entries()) setPosition.run(position, name);
    })();
    return ids;
  }

  markEmbedded(tables: readonly string[], key: string): void {
    const update = this.#db.prepare('UPDATE indexed_tables SET embedded_with = ? WHERE name = ?');
    this.#db.transaction(() => {
      for (const table of tables) update.run(key, table);
    })();
  }

  markAllUnembedded(): void {
    this.#db.prepare('UPDATE indexed_tables SET embedded_with = NULL').run();
  }

  chunksOf(table: string): StoredChunk[] {
    return this.#db
      .prepare(
        'SELECT id, table_name AS "table", column_name AS "column", names, details FROM chunks WHERE table_name = ? ORDER BY id',
      )
      .all(table) as StoredChunk[];
  }

  /** BM25 over the chunks, best first; `names` weigh three times `details`. */
  searchText(ftsQuery: string, limit: number): TextHit[] {
    return this.#db
      .prepare(
        `SELECT c.id, c.table_name AS "table", c.column_name AS "column"
         FROM chunk_text JOIN chunks c ON c.id = chunk_text.rowid
         WHERE chunk_text MATCH ? ORDER BY bm25(chunk_text, 3.0, 1.0) LIMIT ?`,
      )
      .all(ftsQuery, limit) as TextHit[];
  }

  /** Which of `ids` still name chunks, with their table and column. */
  chunksById(ids: readonly number[]): Map<number, TextHit> {
    const found = new Map<number, TextHit>();
    const select = this.#db.prepare(
      'SELECT id, table_name AS "table", column_name AS "column" FROM chunks WHERE id = ?',
    );
    for (const id of ids) {
      const hit = select.get(id) as TextHit | undefined;
      if (hit) found.set(id, hit);
    }
    return found;
  }

  close(): void {
    this.#db.close();
  }

  #dropChunks(table: string): void {
    const ids = this.#db.prepare('SELECT id FROM chunks WHERE table_name = ?').pluck().all(table) as number[];
    const deleteText = this.#db.prepare('DELETE FROM chunk_text WHERE rowid = ?');
    for (const id of ids) deleteText.run(BigInt(id));
    this.#db.prepare('DELETE FROM chunks WHERE table_name = ?').run(table);
  }

  #dropTable(table: string): void {
    this.#dropChunks(table);
    this.#db.prepare('DELETE FROM indexed_tables WHERE name = ?').run(table);
  }
}

/** Creates the tables; an index written by another format is emptied and rebuilt. */
function prepareFormat(db: Database.Database): void {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE name = 'meta'`).get() !== undefined;
  const format = hasMeta
    ? (db.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get() as string | undefined)
    : undefined;
  if (hasMeta && format !== FORMAT) {
    for (const table of ['meta', 'indexed_tables', 'chunks', 'chunk_text', VECTOR_TABLE]) {
      db.exec(`DROP TABLE IF EXISTS ${table}`);
    }
  }
  db.exec(DDL);
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)`).run(FORMAT);
}
