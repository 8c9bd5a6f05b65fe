// Opens (or creates) a store file, refusing files that are not r1flow stores or that a newer
// r1flow wrote. The checks run on a read-only handle first, so a refused file is left untouched.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database as DatabaseHandle } from 'better-sqlite3';
import Database from 'better-sqlite3';
import { R1flowError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

const SQLITE_HEADER = 'SQLite format 3\u0000';
const APP_ID = 'r1flow';

export function openStoreDatabase(path: string): DatabaseHandle {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:' && existsSync(file) && statSync(file).size > 0) checkExistingFile(file);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // Owner-only: the store holds run data and sealed secrets. SQLite gives the WAL and SHM files
  // the database file's mode; ones left by an older r1flow are narrowed too.
  if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictToOwner(f);
  // NORMAL in WAL mode survives a killed process (not a power cut) and keeps commits cheap.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Narrows a file this user owns to mode 0600 (another user's shared store is left as it is). */
function restrictToOwner(path: string): void {
  const stat = existsSync(path) ? statSync(path) : undefined;
  if (stat && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) chmodSync(path, 0o600);
}

function checkExistingFile(file: string): void {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new R1flowError(
      'STORE_NOT_R1FLOW',
      `${file} is not an r1flow store (not a SQLite file); it was left untouched`,
    );
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .pluck()
      .all() as string[];
    if (tables.length === 0) return;
    if (!tables.includes('meta')) {
      throw new R1flowError(
        'STORE_NOT_R1FLOW',
        `${file} is a SQLite database but not an r1flow store; it was left untouched`,
      );
    }
    const meta = readMeta(db);
    if (meta.get('app') !== APP_ID) {
      throw new R1flowError(
        'STORE_NOT_R1FLOW',
        `${file} is a SQLite database but not an r1flow store; it was left untouched`,
      );
    }
    const version = Number(meta.get('schema_version'));
    if (version > SCHEMA_VERSION) {
      throw new R1flowError(
        'STORE_TOO_NEW',
        `${file} was written by a newer r1flow (store schema ${version}, this version knows up to ${SCHEMA_VERSION}); upgrade r1flow to open it. The file was left untouched`,
      );
    }
  } catch (error) {
    if (error instanceof R1flowError) throw error;
    throw new R1flowError(
      'STORE_CORRUPT',
      `${file} cannot be read as an r1flow store: ${(error as Error).message}`,
    );
  } finally {
    db.close();
  }
}

function readMeta(db: DatabaseHandle): Map<string, string> {
  const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
  return new Map(rows.map((row) => [row.key, row.value]));
}

function migrate(db: DatabaseHandle): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const migrateAll = db.transaction(() => {
    const meta = readMeta(db);
    const current = Number(meta.get('schema_version') ?? 0);
    for (let index = current; index < MIGRATIONS.length; index++) MIGRATIONS[index]!(db);
    const upsert = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    upsert.run('app', APP_ID);
    upsert.run('schema_version', String(SCHEMA_VERSION));
  });
  migrateAll.immediate();
}
