// openStore picks the store by its location: a postgres:// URL is the shared PostgreSQL store, any
// other URL is a mistake, everything else a SQLite file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreUrl, openStore, storeLabel } from '../../engine/store/open-store.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('openStore', () => {
  it('tells PostgreSQL URLs from file paths', () => {
    expect(isStoreUrl('postgres://r1flow@db:5432/r1flow')).toBe(true);
    expect(isStoreUrl('postgresql://db/r1flow')).toBe(true);
    expect(isStoreUrl('POSTGRES://db/r1flow')).toBe(true);
    expect(isStoreUrl('./data/r1flow.db')).toBe(false);
    expect(isStoreUrl('/var/lib/postgres/r1flow.db')).toBe(false);
    expect(isStoreUrl('postgres.db')).toBe(false);
  });

  it('opens a file path as a SQLite store, creating it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'r1flow-open-store-'));
    const path = join(dir, 'nested', 'r1.db');
    const store = await openStore(path);
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect(existsSync(path)).toBe(true);
      expect(await store.listFlows()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('sends postgres:// to the PostgreSQL store, whose failure names the store without its password', async () => {
    const url = 'postgres://r1flow:open-store-pw-1@127.0.0.1:1/r1flow';
    const error = await openStore(url).then(
      () => undefined,
      (caught: unknown) => caught as Error & { code: string },
    );
    expect(error).toBeDefined();
    expect(error!.message).toContain('postgres://r1flow@127.0.0.1:1/r1flow');
    expect(error!.message).not.toContain('open-store-pw-1');
    expect(error!.message).not.toContain(url);
  });

  it('refuses another URL scheme instead of making a file of it', async () => {
    await expect(openStore('mysql://u:mysql-pw-2@db/r1flow')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.not.stringContaining('mysql-pw-2'),
    });
    await expect(openStore('postgre://db/r1flow')).rejects.toThrow(/SQLite file path or a postgres:\/\/ URL/);
  });

  it('labels a URL store without its password and a file store by its path', () => {
    expect(storeLabel('postgres://u:label-pw-3@db:5432/r1?sslmode=require')).toBe('postgres://u@db:5432/r1');
    expect(storeLabel('/srv/r1flow/r1.db')).toBe('/srv/r1flow/r1.db');
  });
});
