// `r1flow connections add|list|test|remove` against a real store file: the URL read from stdin,
// never printed back, sealed in the store with the key beside it, and usable by the server's lookup.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { loadServerSecret } from '../../server/auth/server-secret.ts';
import {
  connectionLookupFromFlags,
  workerConnectionLookup,
} from '../../server/connections/cli-connection-lookup.ts';
import { Connections } from '../../server/connections/connections.ts';
import { CLI, type CliResult, collectOutput, REPO_ROOT, runCli } from '../support/cli.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-conns-cli-'));
  db = join(dir, 'r1flow.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI with `input` on stdin, as `echo URL | r1flow connections add NAME -` would run. */
function runWithStdin(args: string[], input: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(input);
  return collectOutput(child);
}

describe('r1flow connections', () => {
  it('adds from stdin, lists without the password, tests, and removes', async () => {
    const secretUrl = `postgres://app:Sup3r-Secret-pw@127.0.0.1:9/sales`;
    const added = await runWithStdin(['connections', 'add', 'sales', '-', '--db', db], `${secretUrl}\n`);
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('added sales (postgres) postgres://app@127.0.0.1:9/sales\n');

    const warehouse = join(dir, 'hr.db');
    new Database(warehouse).exec('CREATE TABLE staff (id INTEGER)');
    expect((await runCli(['connections', 'add', 'hr', warehouse, '--db', db])).code).toBe(0);

    const listed = await runCli(['connections', 'list', '--db', db]);
    expect(listed.stdout).toContain('sales  postgres  postgres://app@127.0.0.1:9/sales  never tested');
    expect(listed.stdout).toContain(`hr  sqlite  ${warehouse}  never tested`);
    const json = await runCli(['connections', 'list', '--json', '--db', db]);
    expect(JSON.parse(json.stdout).map((c: { name: string }) => c.name)).toEqual(['hr', 'sales']);

    const ok = await runCli(['connections', 'test', 'hr', '--db', db]);
    expect(ok).toMatchObject({ code: 0, stdout: 'ok hr: opened read-only; 1 table(s)\n' });
    const failed = await runCli(['connections', 'test', 'sales', '--db', db]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('connection "sales" (postgres) failed');

    for (const output of [added, listed, json, ok, failed]) {
      expect(output.stdout + output.stderr).not.toContain('Sup3r-Secret-pw');
    }
    for (const file of [db, `${db}-wal`].filter((f) => existsSync(f))) {
      expect(readFileSync(file).includes(Buffer.from('Sup3r-Secret-pw'))).toBe(false);
    }

    // What the server, a worker or `r1flow vote` resolves: the full URL, opened with the key beside the store.
    const lookup = connectionLookupFromFlags({ db });
    expect(await lookup.lookup('sales')).toEqual({ name: 'sales', kind: 'postgres', url: secretUrl });
    await lookup.close();
    const store = new SqliteStore(db);
    const server = new Connections(store.connections, () => loadServerSecret(db).key);
    expect((await server.lookup('hr')).url).toBe(warehouse);
    await store.close();

    const removed = await runCli(['connections', 'remove', 'sales', '--db', db]);
    expect(removed).toMatchObject({ code: 0, stdout: 'removed sales\n' });
    const again = await runCli(['connections', 'remove', 'sales', '--db', db]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('no connection named "sales"');
  });

  it('refuses bad input without echoing the URL', async () => {
    const noKind = await runWithStdin(
      ['connections', 'add', 'vec', '-', '--db', db],
      'milvus:secret-tok@host:19530',
    );
    expect(noKind.code).not.toBe(0);
    expect(noKind.stderr).toContain('error CONNECTION_INVALID: connection "vec"');
    expect(noKind.stderr).not.toContain('secret-tok');
    const badName = await runCli(['connections', 'add', 'no way', 'postgres://db/x', '--db', db]);
    expect(badName.stderr).toContain('is not a plain identifier');
    const usage = await runCli(['connections', 'add', 'only-name', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: r1flow connections add NAME URL|-');
  });

  it('tells a worker without a store how to give it one', async () => {
    const lookup = workerConnectionLookup({}, {});
    await expect(lookup.lookup('sales')).rejects.toThrow(
      /connection "sales", but this worker has no store .*--store PATH\|URL \(or R1FLOW_STORE\)/,
    );
    const added = await runCli(['connections', 'add', 'sales', 'postgres://u:pw-worker-1@db/x', '--db', db]);
    expect(added.code).toBe(0);
    const fromEnv = workerConnectionLookup({}, { R1FLOW_DB: db });
    expect((await fromEnv.lookup('sales')).url).toBe('postgres://u:pw-worker-1@db/x');
    await fromEnv.close();
  });

  it('tells a command without a store where it looked', async () => {
    const lookup = connectionLookupFromFlags({ db: join(dir, 'none.db') });
    await expect(lookup.lookup('sales')).rejects.toThrow(`there is no store at ${join(dir, 'none.db')}`);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });
});
