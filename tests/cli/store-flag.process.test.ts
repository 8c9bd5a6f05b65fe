// `--store PATH` and R1FLOW_STORE choose the store every command opens (run, runs, flows, start);
// `--db` and R1FLOW_DB, their older names, still do.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { runCli, startCli, waitFor } from '../support/cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-store-flag-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLOW = 'examples/flows/hello-branch.flow.json';
const runIds = async (args: string[], env: Record<string, string> = {}) => {
  const listed = await runCli(['runs', 'list', '--json', ...args], {
    R1FLOW_STORE: '',
    R1FLOW_DB: '',
    ...env,
  });
  expect(listed.stderr).toBe('');
  return (JSON.parse(listed.stdout) as { id: string }[]).map((run) => run.id).sort();
};

describe('choosing the store', () => {
  it('--store and R1FLOW_STORE select it; --db and R1FLOW_DB still do', async () => {
    const chosen = join(dir, 'chosen', 'r1.db');
    const other = join(dir, 'other.db');
    const clean = { R1FLOW_STORE: '', R1FLOW_DB: '' };
    const byStore = await runCli(
      ['run', FLOW, '--input', '{"name":"A","n":1}', '--store', chosen, '--quiet'],
      clean,
    );
    expect(byStore.code).toBe(0);
    const byEnv = await runCli(['run', FLOW, '--input', '{"name":"B","n":2}', '--quiet'], {
      R1FLOW_STORE: chosen,
    });
    expect(byEnv.code).toBe(0);
    const byDb = await runCli(
      ['run', FLOW, '--input', '{"name":"C","n":3}', '--db', other, '--quiet'],
      clean,
    );
    expect(byDb.code).toBe(0);

    const inChosen = await runIds(['--store', chosen]);
    expect(inChosen).toHaveLength(2);
    expect(await runIds([], { R1FLOW_STORE: chosen })).toEqual(inChosen);
    expect(await runIds(['--db', chosen])).toEqual(inChosen);
    expect(await runIds([], { R1FLOW_DB: chosen })).toEqual(inChosen);
    expect(await runIds(['--store', other])).toHaveLength(1);
    // The flag wins over the environment, as --db did over R1FLOW_DB.
    expect(await runIds(['--store', other], { R1FLOW_STORE: chosen })).toHaveLength(1);

    const flows = await runCli(['flows', 'list', '--store', chosen], clean);
    expect(flows.stdout).toMatch(/^hello-branch /m);

    const both = await runCli(['runs', 'list', '--store', chosen, '--db', other], clean);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('error CONFIG_INVALID: --store and --db name the same store');
  });

  it('start --store serves from that store, with its key beside it', async () => {
    const path = join(dir, 'served', 'r1.db');
    const server = startCli(['start', '--port', '0', '--store', path, '--log-format', 'json'], {
      R1FLOW_STORE: '',
      R1FLOW_DB: '',
      R1FLOW_SECRET_KEY: '',
    });
    let stderr = '';
    server.child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitFor(() => stderr.includes('r1flow is running at'), 60_000, 'the server to start');
      const started = stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; store?: string; serverKey?: string })
        .find((line) => line.msg === 'r1flow started');
      expect(started?.store).toBe(path);
      expect(started?.serverKey).toBe(join(dir, 'served', 'secret.key'));
      expect(existsSync(join(dir, 'served', 'secret.key'))).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
    // The example flows were imported into the store it was given.
    const store = new SqliteStore(path);
    try {
      expect((await store.listFlows()).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
