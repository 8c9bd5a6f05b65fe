// Vectors in a sqlite-vec `vec0` table inside the schema index file: no server, one file to copy.
// The table is created on the first upsert, when the embedding dimension is known.
import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { R1flowError } from '../../engine/errors.ts';
import type { VectorHit, VectorRecord, VectorStore } from './vector-store.ts';

// sqlite-vec refuses k above 4096.
const MAX_K = 4096;

export class SqliteVecStore implements VectorStore {
  readonly kind = 'sqlite-vec';
  readonly #db: Database.Database;
  readonly #table: string;

  /** `db` stays owned by the caller; `close()` leaves it open. */
  constructor(db: Database.Database, table = 'chunk_vectors') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new TypeError(`"${table}" is not a plain table name`);
    sqliteVec.load(db);
    this.#db = db;
    this.#table = table;
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    const first = records[0];
    if (!first) return;
    const dimension = this.#dimension() ?? this.#create(first.vector.length);
    const remove = this.#db.prepare(`DELETE FROM ${this.#table} WHERE rowid = ?`);
    const insert = this.#db.prepare(
      `INSERT INTO ${this.#table} (rowid, embedding, table_name) VALUES (?, ?, ?)`,
    );
    this.#db.transaction(() => {
      for (const record of records) {
        if (record.vector.length !== dimension) {
          throw new R1flowError(
            'SCHEMA_INDEX_ERROR',
            `embedding has ${record.vector.length} dimensions, the index holds ${dimension}; re-index with one model`,
          );
        }
        // vec0 rowids must be BigInt: a JS number binds as REAL and is refused.
        remove.run(BigInt(record.id));
        insert.run(BigInt(record.id), new Float32Array(record.vector), record.table);
      }
    })();
  }

  async deleteByTable(table: string): Promise<void> {
    if (this.#dimension() === undefined) return;
    this.#db.prepare(`DELETE FROM ${this.#table} WHERE table_name = ?`).run(table);
  }

  async query(vector: readonly number[], topK: number): Promise<VectorHit[]> {
    if (this.#dimension() === undefined || topK <= 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT rowid AS id, distance, table_name AS "table" FROM ${this.#table} ` +
          'WHERE embedding MATCH ? AND k = ? ORDER BY distance',
      )
      .all(new Float32Array(vector), Math.min(topK, MAX_K)) as {
      id: number;
      distance: number;
      table: string;
    }[];
    return rows.map((row) => ({ id: Number(row.id), table: row.table, similarity: 1 - row.distance }));
  }

  async count(): Promise<number> {
    if (this.#dimension() === undefined) return 0;
    return this.#db.prepare(`SELECT count(*) FROM ${this.#table}`).pluck().get() as number;
  }

  async clear(): Promise<void> {
    this.#db.exec(`DROP TABLE IF EXISTS ${this.#table}`);
  }

  async close(): Promise<void> {}

  #dimension(): number | undefined {
    const sql = this.#db
      .prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`)
      .pluck()
      .get(this.#table) as string | undefined;
    const match = sql?.match(/float\[(\d+)\]/);
    return match ? Number(match[1]) : undefined;
  }

  #create(dimension: number): number {
    this.#db.exec(
      `CREATE VIRTUAL TABLE ${this.#table} USING vec0(embedding float[${dimension}] distance_metric=cosine, table_name text)`,
    );
    return dimension;
  }
}
