// The server's own secret: encrypts webhook HMAC secrets at rest and signs session cookies.
// From R1FLOW_SECRET_KEY when set; otherwise generated once and kept beside the store (mode 0600),
// so a restart can still read what it encrypted.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SECRET_KEY_ENV = 'R1FLOW_SECRET_KEY';

export function loadServerSecret(dbPath: string): { key: Buffer; source: string } {
  const fromEnv = process.env[SECRET_KEY_ENV];
  if (fromEnv) return { key: createHash('sha256').update(fromEnv).digest(), source: SECRET_KEY_ENV };
  const file = join(dirname(dbPath), 'secret.key');
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) {
    // 'wx': never overwrite a key another process wrote a moment ago.
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  // A key file left readable by an older r1flow (or a copy) is narrowed to its owner.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: createHash('sha256').update(readFileSync(file, 'utf8').trim()).digest(), source: file };
}
