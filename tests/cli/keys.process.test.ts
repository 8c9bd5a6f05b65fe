// `r1flow keys create|list|revoke` against a real store file, through the API key repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { ApiKeys } from '../../server/auth/api-keys.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-keys-'));
  db = join(dir, 'r1flow.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('r1flow keys', () => {
  it('creates a key shown once, lists it by prefix, and revokes it so it no longer verifies', async () => {
    const created = await runCli(['keys', 'create', '--name', 'ci', '--db', db]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^r1f_/);

    const listed = await runCli(['keys', 'list', '--json', '--db', db]);
    const [info] = JSON.parse(listed.stdout) as {
      id: string;
      name: string;
      prefix: string;
      revokedAt: number | null;
    }[];
    expect(info).toMatchObject({ name: 'ci', prefix: key.slice(0, 10), revokedAt: null });
    expect(listed.stdout).not.toContain(key);

    const store = new SqliteStore(db);
    expect(await new ApiKeys(store.apiKeys).verify(key)).toEqual({ id: info!.id, name: 'ci', userId: null });
    await store.close();

    const revoked = await runCli(['keys', 'revoke', info!.id, '--db', db]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${info!.id} (ci)`);
    const after = await runCli(['keys', 'list', '--db', db]);
    expect(after.stdout).toContain('revoked');

    const again = new SqliteStore(db);
    expect(await new ApiKeys(again.apiKeys).verify(key)).toBeNull();
    // Both are in the audit log, by the OS user who ran the CLI, and the key itself is not.
    const audit = await again.audit.list();
    await again.close();
    expect(audit.map((entry) => [entry.kind, entry.outcome, entry.actor?.kind])).toEqual([
      ['key.revoke', 'ok', 'cli'],
      ['key.create', 'ok', 'cli'],
    ]);
    expect(audit[1]!.detail).toEqual({ id: info!.id, name: 'ci' });
    expect(audit[0]!.target).toBe(info!.id);
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it('refuses to revoke a key nobody has', async () => {
    const result = await runCli(['keys', 'revoke', 'key_none', '--db', db]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no single API key matches "key_none"');
  });
});
