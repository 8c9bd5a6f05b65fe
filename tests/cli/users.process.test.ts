// `r1flow users …` and `keys create --user` against a real store file: the password comes from
// stdin, is stored only as a hash, signs the user in; a key acts as its user; removal takes keys;
// each change is an audit entry.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { ApiKeys } from '../../server/auth/api-keys.ts';
import { UserDirectory } from '../../server/auth/users.ts';
import { CLI, collectOutput, REPO_ROOT, runCli } from '../support/cli.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-users-'));
  db = join(dir, 'r1flow.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runWithStdin(args: string[], stdin: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(stdin);
  return collectOutput(child);
}

describe('r1flow users', () => {
  it('adds a user with a password from stdin, gives them a key, lists and removes them', async () => {
    const PASSWORD = 'a long enough password';
    const added = await runWithStdin(
      ['users', 'add', 'rita', '--role', 'runner', '--password-stdin', '--db', db],
      `${PASSWORD}\n`,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added user rita (runner in default)');
    expect(readFileSync(db).includes(Buffer.from(PASSWORD))).toBe(false);

    const key = (await runCli(['keys', 'create', '--user', 'rita', '--db', db])).stdout.trim();
    expect(key).toMatch(/^r1f_/);
    const listed = await runCli(['users', 'list', '--db', db]);
    expect(listed.stdout).toContain('rita  default:runner  active');

    const store = new SqliteStore(db);
    const users = new UserDirectory(store.users);
    const rita = await users.signIn('rita', PASSWORD);
    expect(await new ApiKeys(store.apiKeys).verify(key)).toMatchObject({ userId: rita.id });
    await store.close();

    const limited = await runCli([
      'users',
      'set',
      'rita',
      '--access',
      '{"default":{"allowedTables":["orders"]}}',
      '--db',
      db,
    ]);
    expect(limited.code).toBe(0);
    expect((await runCli(['users', 'remove', 'rita', '--db', db])).code).toBe(0);
    const after = new SqliteStore(db);
    expect(await new ApiKeys(after.apiKeys).verify(key)).toBeNull();
    // Every change is in the audit log, by the OS user who ran the CLI; the password is not.
    const audit = (await after.audit.list()).reverse();
    await after.close();
    expect(audit.map((entry) => [entry.kind, entry.target, entry.outcome, entry.actor?.kind])).toEqual([
      ['user.add', 'rita', 'ok', 'cli'],
      ['key.create', null, 'ok', 'cli'],
      ['user.update', 'rita', 'ok', 'cli'],
      ['user.remove', 'rita', 'ok', 'cli'],
    ]);
    expect(audit[0]!.detail).toEqual({ role: 'runner', project: 'default', password: true });
    expect(audit[2]!.detail).toEqual({ access: { connections: {}, default: { allowedTables: ['orders'] } } });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('scopes a role to --project, and limits the tables of that role', async () => {
    expect(
      (await runCli(['users', 'add', 'sam', '--role', 'runner', '--project', 'sales', '--db', db])).code,
    ).toBe(0);
    const limits = '{"connections":{"crm":{"allowedTables":["orders"]}}}';
    const set = await runCli([
      'users',
      'set',
      'sam',
      '--project',
      'sales',
      '--role-access',
      limits,
      '--db',
      db,
    ]);
    expect(set.code).toBe(0);
    const listed = await runCli(['users', 'list', '--db', db]);
    expect(listed.stdout).toContain(`sam  sales:runner  active  key-only  sales access ${limits}`);
    const refused = await runCli([
      'users',
      'set',
      'sam',
      '--project',
      'hr',
      '--role-access',
      limits,
      '--db',
      db,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('"sam" has no role in project "hr" to limit');
    const store = new SqliteStore(db);
    const sam = await store.users.byName('sam');
    await store.close();
    expect(sam).toMatchObject({ roles: { sales: 'runner' }, roleAccess: { sales: JSON.parse(limits) } });
  });

  it('refuses a bad role, a short password and a key for nobody, naming the problem', async () => {
    const role = await runCli(['users', 'add', 'bob', '--role', 'boss', '--db', db]);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toContain('--role must be one of admin, editor, runner, viewer');
    const short = await runWithStdin(
      ['users', 'add', 'bob', '--role', 'viewer', '--password-stdin', '--db', db],
      'short\n',
    );
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('the password is too short');
    expect(short.stderr).not.toContain('short\n');
    const nobody = await runCli(['keys', 'create', '--user', 'nobody', '--db', db]);
    expect(nobody.stderr).toContain('no user named "nobody"');
  });
});
