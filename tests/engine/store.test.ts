import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { flowOf } from '../support/engine-harness.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the SQLite store', () => {
  it('saving a flow creates a new immutable version each time', async () => {
    const store = new SqliteStore(join(dir, 'r1.db'));
    const doc = FlowDocumentSchema.parse(flowOf({ s: ['test.step'] }));
    const v1 = await store.saveFlow(doc);
    const v2 = await store.saveFlow({ ...doc, name: 'renamed' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect((await store.getFlowVersion(doc.id, 1))!.document.name).toBe(doc.name);
    expect((await store.getFlowVersion(doc.id))!.document.name).toBe('renamed');
    expect((await store.listFlowVersions(doc.id)).map((v) => v.version)).toEqual([2, 1]);
    const same = await saveFlowIfChanged(store, { ...doc, name: 'renamed' });
    expect(same).toMatchObject({ version: 2, created: false });
    await store.close();
  });

  it('a deleted flow keeps its versions for its runs, and a re-created one continues the numbering', async () => {
    const store = new SqliteStore(join(dir, 'r1.db'));
    const doc = FlowDocumentSchema.parse(flowOf({ s: ['test.step'] }));
    await store.saveFlow(doc);
    expect(await store.deleteFlow(doc.id)).toBe(true);
    expect(await store.getFlow(doc.id)).toBeNull();
    expect(await store.listFlows()).toEqual([]);
    expect((await store.getFlowVersion(doc.id, 1))!.document.id).toBe(doc.id);
    expect((await store.saveFlow({ ...doc, name: 'again' })).version).toBe(2);
    expect((await store.getFlow(doc.id))!.name).toBe('again');
    await store.close();
  });

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
