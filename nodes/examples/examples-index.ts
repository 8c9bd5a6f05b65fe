// A warehouse's verified examples as a search index: one SQLite file with the examples, an FTS5
// (BM25) index over their questions and, when an embedding model was given, their question
// embeddings (sqlite-vec, as the schema index keeps them). It is rewritten whole, into a temporary
// file renamed over the old one, so a reader always opens a complete index; examples are few.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import { ftsQueryFor } from '../schema/question-terms.ts';
import { fuseRanks } from '../schema/rank-fusion.ts';
import { SqliteVecStore } from '../schema/sqlite-vec-store.ts';
import type { SqlExample } from './example-types.ts';

const FORMAT = '1';
const VECTOR_TABLE = 'example_vectors';
// The vector store groups records by a table name; examples have one group.
const VECTOR_GROUP = 'examples';

export interface IndexedExample {
  question: string;
  sql: string;
}

/** Question embeddings, in the examples' order, and the key naming the model (URL + model). */
export interface ExampleEmbeddings {
  key: string;
  vectors: readonly (readonly number[])[];
}

export interface ExampleSearch {
  k: number;
  fusionK: number;
  /** The question's embedding, used when the index was embedded with `embeddingKey`. */
  queryVector?: readonly number[] | undefined;
  embeddingKey?: string | undefined;
}

export async function writeExamplesIndex(
  path: string,
  examples: readonly IndexedExample[],
  embeddings?: ExampleEmbeddings,
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}-${Date.now()}.tmp`;
  const db = new Database(temporary);
  try {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE examples (id INTEGER PRIMARY KEY, question TEXT NOT NULL, sql TEXT NOT NULL);
      CREATE VIRTUAL TABLE example_text USING fts5(question, tokenize = 'porter unicode61');
    `);
    const insert = db.prepare('INSERT INTO examples (id, question, sql) VALUES (?, ?, ?)');
    const insertText = db.prepare('INSERT INTO example_text (rowid, question) VALUES (?, ?)');
    db.transaction(() => {
      db.prepare(`INSERT INTO meta VALUES ('format', ?)`).run(FORMAT);
      if (embeddings) db.prepare(`INSERT INTO meta VALUES ('embedded_with', ?)`).run(embeddings.key);
      examples.forEach((example, id) => {
        insert.run(id, example.question, example.sql);
        insertText.run(BigInt(id), example.question);
      });
    })();
    if (embeddings && examples.length > 0) {
      await new SqliteVecStore(db, VECTOR_TABLE).upsert(
        embeddings.vectors.map((vector, id) => ({ id, table: VECTOR_GROUP, vector })),
      );
    }
    db.close();
    renameSync(temporary, path);
  } catch (error) {
    if (db.open) db.close();
    rmSync(temporary, { force: true });
    throw new R1flowError(
      'SCHEMA_INDEX_ERROR',
      `cannot write the examples index ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** The model key the index's vectors were made with; undefined when it has none (or no index). */
export function examplesEmbeddingKey(path: string): Promise<string | undefined> {
  return withIndex(path, async (db) => metaValue(db, 'embedded_with'));
}

/**
 * The `k` examples nearest `question`, best first: BM25 over the questions, fused (reciprocal rank)
 * with embedding similarity when the query vector fits the index's model. No index: none.
 */
export async function searchExamplesIndex(
  path: string,
  question: string,
  search: ExampleSearch,
): Promise<SqlExample[]> {
  return (
    (await withIndex(path, async (db) => {
      const pool = Math.max(search.k * 4, 20);
      const fts = ftsQueryFor(question);
      const textRanking = fts
        ? (db
            .prepare(
              'SELECT rowid FROM example_text WHERE example_text MATCH ? ORDER BY bm25(example_text) LIMIT ?',
            )
            .pluck()
            .all(fts, pool) as number[])
        : [];
      const rankings = [textRanking.map(Number)];
      const embedded = metaValue(db, 'embedded_with');
      if (search.queryVector && embedded !== undefined && embedded === search.embeddingKey) {
        const hits = await new SqliteVecStore(db, VECTOR_TABLE).query(search.queryVector, pool);
        rankings.push(hits.map((hit) => hit.id));
      }
      const scores = [...fuseRanks(rankings, search.fusionK)].sort((a, b) => b[1] - a[1]).slice(0, search.k);
      const select = db.prepare('SELECT question, sql FROM examples WHERE id = ?');
      return scores.flatMap(([id, score]) => {
        const row = select.get(id) as IndexedExample | undefined;
        return row ? [{ question: row.question, sql: row.sql, score }] : [];
      });
    })) ?? []
  );
}

function metaValue(db: Database.Database, key: string): string | undefined {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
}

async function withIndex<T>(
  path: string,
  read: (db: Database.Database) => Promise<T>,
): Promise<T | undefined> {
  if (!existsSync(path)) return undefined;
  const db = openForReading(path);
  try {
    return await read(db);
  } finally {
    db.close();
  }
}

function openForReading(path: string): Database.Database {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    if (metaValue(db, 'format') !== FORMAT) {
      db.close();
      throw new Error(`it has another format than ${FORMAT}; the server rewrites it when examples change`);
    }
    return db;
  } catch (error) {
    throw new R1flowError(
      'SCHEMA_INDEX_ERROR',
      `cannot read the examples index ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
