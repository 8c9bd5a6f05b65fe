// Which store a command opens: --store, or --db (its older name), then R1FLOW_STORE, or R1FLOW_DB,
// then ./data/r1flow.db; a URL kept as given, a path made absolute; two different values for one
// setting refused. A worker given a store by any of these reads its connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { loadServerSecret } from '../../server/auth/server-secret.ts';
import { storeLocation } from '../../server/cli/options.ts';
import { workerConnectionLookup } from '../../server/connections/cli-connection-lookup.ts';
import { Connections } from '../../server/connections/connections.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const URL_STORE = 'postgres://r1flow:loc-pw-1@db:5432/r1flow';

describe('storeLocation', () => {
  it('takes --store, then --db, then R1FLOW_STORE, then R1FLOW_DB, then ./data/r1flow.db', () => {
    const env = { R1FLOW_STORE: '/env/store.db', R1FLOW_DB: '/env/store.db' };
    expect(storeLocation({ store: 'a.db' }, env)).toBe(resolve('a.db'));
    expect(storeLocation({ db: 'b.db' }, env)).toBe(resolve('b.db'));
    expect(storeLocation({ store: 'c.db', db: 'c.db' }, {})).toBe(resolve('c.db'));
    expect(storeLocation({}, { R1FLOW_STORE: '/env/s.db' })).toBe('/env/s.db');
    expect(storeLocation({}, { R1FLOW_DB: '/env/d.db' })).toBe('/env/d.db');
    expect(storeLocation({}, { R1FLOW_STORE: '' })).toBe(resolve('data/r1flow.db'));
    expect(storeLocation({}, {})).toBe(resolve('data/r1flow.db'));
  });

  it('keeps a postgres:// URL as given', () => {
    expect(storeLocation({ store: URL_STORE }, {})).toBe(URL_STORE);
    expect(storeLocation({}, { R1FLOW_STORE: URL_STORE })).toBe(URL_STORE);
  });

  it('refuses two different stores for one setting without echoing either', () => {
    for (const [flags, env] of [
      [{ store: URL_STORE, db: 'other.db' }, {}],
      [{}, { R1FLOW_STORE: URL_STORE, R1FLOW_DB: '/x.db' }],
    ] as const) {
      let message = '';
      try {
        storeLocation(flags, env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/name the same store .*give one of them/);
      expect(message).not.toContain('loc-pw-1');
    }
  });
});

describe("a worker's store", () => {
  it('reads connections from the store --store, --db, R1FLOW_STORE or R1FLOW_DB names', async () => {
    dir = mkdtempSync(join(tmpdir(), 'r1flow-worker-store-'));
    const path = join(dir, 'r1.db');
    const store = new SqliteStore(path);
    await new Connections(store.connections, () => loadServerSecret(path).key).add({
      name: 'sales',
      url: 'postgres://u:worker-pw@db/sales',
    });
    await store.close();
    for (const [flags, env] of [
      [{ store: path }, {}],
      [{ db: path }, {}],
      [{}, { R1FLOW_STORE: path }],
      [{}, { R1FLOW_DB: path }],
    ] as const) {
      const lookup = workerConnectionLookup(flags, env);
      expect((await lookup.lookup('sales')).url).toBe('postgres://u:worker-pw@db/sales');
      await lookup.close();
    }
  });
});
