// The PostgreSQL store's audit log refuses UPDATE, DELETE and TRUNCATE to anyone connected to its
// database; only retention pruning, which opens its window inside its own transaction, deletes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../engine/store/postgres/open-postgres-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { auditDraft, sqlDraft } from '../engine/audit-store-contract.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let store: Store;
let raw: pg.Client;

beforeAll(async () => {
  server = await startPostgresServer();
  const url = await server.createDatabase('audited');
  store = await openPostgresStore(url);
  raw = new pg.Client({ connectionString: url });
  await raw.connect();
});
afterAll(async () => {
  await raw?.end();
  await store?.close();
  await server?.close();
});

const rows = async () => (await raw.query('SELECT * FROM audit_log ORDER BY seq')).rows;

describe('the PostgreSQL audit log', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE through SQL fail and change nothing', async () => {
    await store.audit.append([auditDraft({ at: 1 }), sqlDraft({ at: 2 })]);
    const before = await rows();
    await expect(raw.query("UPDATE audit_log SET outcome = 'ok', sql = 'SELECT 1'")).rejects.toThrow(
      /append-only/,
    );
    await expect(raw.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(raw.query('DELETE FROM audit_log WHERE at < 10')).rejects.toThrow(/append-only/);
    await expect(raw.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(before);
  });

  it("another session's pruning window opens nothing for this one", async () => {
    const pruner = new pg.Client({ connectionString: server.urlFor('audited') });
    await pruner.connect();
    try {
      await pruner.query('BEGIN');
      await pruner.query('INSERT INTO audit_prune_window (id, cutoff) VALUES (1, 1000)');
      await expect(raw.query('DELETE FROM audit_log WHERE at < 10')).rejects.toThrow(/append-only/);
      await pruner.query('ROLLBACK');
    } finally {
      await pruner.end();
    }
    expect(await rows()).toHaveLength(2);
    // Retention still works, and only through prune, which closes its window again.
    expect(await store.audit.prune(2)).toBe(1);
    expect((await rows()).map((row) => Number(row.at))).toEqual([2]);
    expect((await raw.query('SELECT * FROM audit_prune_window')).rows).toEqual([]);
  });
});
