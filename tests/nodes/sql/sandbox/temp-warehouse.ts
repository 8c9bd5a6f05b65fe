// A small SQLite warehouse in a temp dir for sandbox tests: two related tables, a secret table, an
// index, a view, a WITHOUT ROWID table, and cells JSON cannot hold as-is (BLOB, 64-bit integers).
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface TempWarehouse {
  dir: string;
  path: string;
  /** SHA-256 of the database file. */
  digest(): string;
  /** Files in the warehouse's directory (a journal or WAL file would show up here). */
  files(): string[];
  remove(): void;
}

export function createTempWarehouse(): TempWarehouse {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-sandbox-'));
  const path = join(dir, 'warehouse.sqlite');
  const db = new Database(path);
  db.exec(`
    CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, age INTEGER);
    CREATE TABLE song (song_id INTEGER PRIMARY KEY, singer_id INTEGER REFERENCES singer, title TEXT);
    CREATE TABLE salary (singer_id INTEGER PRIMARY KEY, amount INTEGER);
    CREATE TABLE cells (label TEXT, payload BLOB, big INTEGER, ratio REAL);
    CREATE TABLE tag (name TEXT PRIMARY KEY, weight INTEGER) WITHOUT ROWID;
    CREATE INDEX song_by_title ON song(title);
    CREATE VIEW singer_pay AS SELECT singer.name, salary.amount FROM singer JOIN salary USING (singer_id);
    INSERT INTO singer VALUES (1, 'Kyle', 'France', 30), (2, 'Ana', 'Spain', 41), (3, 'Bo', 'France', 25);
    INSERT INTO song VALUES (1, 1, 'Hello'), (2, 1, 'Again'), (3, 2, 'Sol');
    INSERT INTO salary VALUES (1, 100), (2, 200);
    INSERT INTO cells VALUES ('bytes', x'00ff10', 9223372036854775807, 0.5), ('small', NULL, -42, 1e999);
    INSERT INTO tag VALUES ('pop', 3), ('rock', 5);
  `);
  db.close();
  return {
    dir,
    path,
    digest: () => createHash('sha256').update(readFileSync(path)).digest('hex'),
    files: () => readdirSync(dir).sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
