// `r1flow keys` subcommands through the command group: create prints the key once, list and
// revoke find it by id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'r1flow-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('r1flow keys', () => {
  it('creates, lists and revokes a key', async () => {
    const db = join(dir, 'r1.db');
    const created = await runCli(['keys', 'create', '--name', 'ci', '--db', db]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key.length).toBeGreaterThan(20);

    const listed = JSON.parse((await runCli(['keys', 'list', '--json', '--db', db])).stdout) as {
      id: string;
      name: string;
      revokedAt: number | null;
    }[];
    expect(listed).toMatchObject([{ name: 'ci', revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(key);

    const revoked = await runCli(['keys', 'revoke', listed[0]!.id, '--db', db]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${listed[0]!.id} (ci)\n`);
    const after = await runCli(['keys', 'list', '--db', db]);
    expect(after.stdout).toContain('revoked');
  });
});
