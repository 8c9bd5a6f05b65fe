// A shared (postgres://) store: its URL's password is never said, the server key is never made up
// (every server and worker of a cluster must hold the same one), and the key file kept in the data
// directory is as out of reach of flow params as the one beside a SQLite store.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, resolveInDataDir } from '../../nodes/warehouse/data-dir.ts';
import { loadServerSecret, SECRET_KEY_ENV } from '../../server/auth/server-secret.ts';

const URL_STORE = 'postgres://r1flow:shared-store-pw-9@db.internal:5432/r1flow';
let dataDir: string;
let savedKey: string | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'r1flow-shared-key-'));
  savedKey = process.env[SECRET_KEY_ENV];
  delete process.env[SECRET_KEY_ENV];
});
afterEach(() => {
  if (savedKey === undefined) delete process.env[SECRET_KEY_ENV];
  else process.env[SECRET_KEY_ENV] = savedKey;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a shared store's server key", () => {
  it('is refused when neither R1FLOW_SECRET_KEY nor a key file is given, saying so without the password', () => {
    let message = '';
    try {
      loadServerSecret(URL_STORE, dataDir);
    } catch (error) {
      expect((error as { code: string }).code).toBe('CONFIG_INVALID');
      message = (error as Error).message;
    }
    expect(message).toContain('postgres://r1flow@db.internal:5432/r1flow');
    expect(message).toContain(`set ${SECRET_KEY_ENV} to the same value on each`);
    expect(message).not.toContain('shared-store-pw-9');
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
  });

  it('comes from R1FLOW_SECRET_KEY, or from a key file already in the data directory', () => {
    writeFileSync(join(dataDir, 'secret.key'), 'the-cluster-key', { mode: 0o600 });
    const fromFile = loadServerSecret(URL_STORE, dataDir);
    expect(fromFile.source).toBe(join(dataDir, 'secret.key'));
    process.env[SECRET_KEY_ENV] = 'the-cluster-key';
    const fromEnv = loadServerSecret(URL_STORE, dataDir);
    expect(fromEnv.source).toBe(SECRET_KEY_ENV);
    // The same key text gives the same key either way, so a cluster may mix the two.
    expect(fromEnv.key.equals(fromFile.key)).toBe(true);
  });

  it('is out of reach of flow params in the data directory, with no store file there', () => {
    writeFileSync(join(dataDir, 'secret.key'), 'the-cluster-key', { mode: 0o600 });
    const lookup = (name: string) => (name === DATA_DIR_ENV ? dataDir : undefined);
    for (const access of ['read', 'write'] as const) {
      expect(() => resolveInDataDir('warehouse', join(dataDir, 'secret.key'), access, lookup)).toThrow(
        /r1flow's own store or secret key/,
      );
    }
    expect(resolveInDataDir('warehouse', join(dataDir, 'sales.sqlite'), 'write', lookup)).toBe(
      join(dataDir, 'sales.sqlite'),
    );
  });
});
