import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { flowOf } from '../support/engine-harness.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

// Behaviour every store owes is in store-contract.ts; this file covers the SQLite file itself.
describe('the SQLite store file', () => {
  it('refuses a file that is not a SQLite database, and leaves it untouched', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'these are my notes, not a database\n');
    const before = sha(path);
    expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: 'STORE_NOT_R1FLOW' }));
    expect(sha(path)).toBe(before);
  });

  it('refuses a SQLite database of another application, and leaves it untouched', () => {
    const path = join(dir, 'other.db');
    const other = new Database(path);
    other.exec(
      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada');",
    );
    other.close();
    const before = sha(path);
    expect(() => new SqliteStore(path)).toThrow(/not an r1flow store/);
    expect(sha(path)).toBe(before);
  });

  it('refuses a store written by a newer r1flow, and leaves it untouched', async () => {
    const path = join(dir, 'newer.db');
    await new SqliteStore(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = sha(path);
    expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: 'STORE_TOO_NEW' }));
    expect(sha(path)).toBe(before);
  });

  it('reopens its own file with everything in it', async () => {
    const path = join(dir, 'r1.db');
    const store = new SqliteStore(path);
    await store.saveFlow(FlowDocumentSchema.parse(flowOf({ s: ['test.step'] })));
    await store.close();
    const again = new SqliteStore(path);
    expect((await again.listFlows()).map((f) => f.id)).toEqual(['test-flow']);
    await again.close();
  });
});
