// `r1flow start` must not write webhook secrets to its log, and the files that hold secrets or run
// data (the store, its WAL and SHM, the generated key) must be readable by their owner only.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../support/cli.ts';

let dir: string;
let previousUmask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-secrets-'));
  previousUmask = process.umask(0o022); // the usual default, under which files came out 0644
});
afterEach(() => {
  process.umask(previousUmask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function startServer(db: string) {
  const server = startCli(['start', '--db', db, '--port', '0'], { R1FLOW_SECRET_KEY: '' });
  let stderr = '';
  server.child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(() => /running at (http:\/\/\S+)/.test(stderr), 60_000, 'r1flow start');
  const url = /running at (http:\/\/\S+)/.exec(stderr)![1]!;
  return { server, url, log: () => stderr };
}

describe('secrets and files of r1flow start', () => {
  it('logs no webhook secret; store, WAL, SHM and key file are 0600', async () => {
    const db = join(dir, 'r1.db');
    const { server, url, log } = await startServer(db);
    try {
      const triggers = (await (await fetch(`${url}/api/flows/ask-webhook/triggers`)).json()) as {
        triggers: { secret: string | null }[];
      };
      const secret = triggers.triggers[0]!.secret!;
      expect(secret).toMatch(/^whsec_/);
      expect(log()).not.toContain(secret);
      expect(log()).not.toMatch(/whsec_|whtok_/);
      expect(log()).toContain('GET /api/flows/ask-webhook/triggers');
      for (const file of [db, `${db}-wal`, `${db}-shm`, join(dir, 'secret.key')]) {
        expect(existsSync(file)).toBe(true);
        expect(`${file} ${mode(file)}`).toBe(`${file} 600`);
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
  });

  it('files left world-readable by an older version are narrowed on start', async () => {
    const db = join(dir, 'r1.db');
    const first = await startServer(db);
    first.server.child.kill('SIGTERM');
    await first.server.done;
    chmodSync(db, 0o644);
    chmodSync(join(dir, 'secret.key'), 0o644);
    writeFileSync(`${db}-shm`, Buffer.alloc(0), { flag: 'a' });
    chmodSync(`${db}-shm`, 0o644);
    const second = await startServer(db);
    try {
      for (const file of [db, `${db}-wal`, `${db}-shm`, join(dir, 'secret.key')]) {
        expect(`${file} ${mode(file)}`).toBe(`${file} 600`);
      }
    } finally {
      second.server.child.kill('SIGTERM');
      await second.server.done;
    }
  });
});
