// The server's own secret: encrypts webhook HMAC secrets and connection URLs at rest and signs
// session cookies. From R1FLOW_SECRET_KEY when set. Otherwise, for a SQLite store, generated once
// and kept beside the store (mode 0600), so a restart can still read what it encrypted. A shared
// (postgres://) store is used by several servers and workers that must all hold the same key, so
// there the key is never generated: it is R1FLOW_SECRET_KEY or a secret.key already in the data
// directory, and without either the process refuses to start.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { R1flowError } from '../../engine/errors.ts';
import { isStoreUrl, storeLabel } from '../../engine/store/open-store.ts';
import { dataDirectory } from '../../nodes/warehouse/data-dir.ts';

export const SECRET_KEY_ENV = 'R1FLOW_SECRET_KEY';
const KEY_FILE = 'secret.key';

/**
 * The key for the store at `storeLocation`; `dataDir` is where a shared store's key file may lie
 * (default R1FLOW_DATA_DIR, else ./data).
 */
export function loadServerSecret(
  storeLocation: string,
  dataDir: string = dataDirectory((name) => process.env[name]),
): { key: Buffer; source: string } {
  const fromEnv = process.env[SECRET_KEY_ENV];
  if (fromEnv) return { key: createHash('sha256').update(fromEnv).digest(), source: SECRET_KEY_ENV };
  if (isStoreUrl(storeLocation)) return sharedStoreKey(storeLocation, join(dataDir, KEY_FILE));
  const file = join(dirname(storeLocation), KEY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) {
    // 'wx': never overwrite a key another process wrote a moment ago.
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readKeyFile(file);
}

function sharedStoreKey(url: string, file: string): { key: Buffer; source: string } {
  if (existsSync(file)) return readKeyFile(file);
  throw new R1flowError(
    'CONFIG_INVALID',
    `the shared store ${storeLabel(url)} needs the key every server and worker of the cluster shares: ` +
      `set ${SECRET_KEY_ENV} to the same value on each (or put that key in ${file}); ` +
      'a key generated here would not open what the others sealed',
  );
}

function readKeyFile(file: string): { key: Buffer; source: string } {
  // A key file left readable by an older r1flow (or a copy) is narrowed to its owner.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: createHash('sha256').update(readFileSync(file, 'utf8').trim()).digest(), source: file };
}
