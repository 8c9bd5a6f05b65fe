import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { runCli, startCli, waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeFlow(name: string, flow: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(flow, null, 2));
  return path;
}

const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [];

describe('the r1flow CLI', () => {
  it('validate names file, line and column of malformed JSON', async () => {
    const path = join(dir, 'broken.flow.json');
    writeFileSync(path, '{\n  "id": "x",\n  "nodes": [,]\n}\n');
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.flow\.json:3:\d+: malformed JSON/);
  });

  it('validate lists every problem of an invalid flow and exits 1', async () => {
    const path = writeFlow('bad.flow.json', flowOf({ a: ['test.step'], b: ['nope.node'] }, ['a.out->a.in']));
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FLOW_UNKNOWN_NODE_TYPE');
    expect(result.stderr).toContain('FLOW_CYCLE');
  });

  it('validate refuses an empty flow, and a bad param only where it is', async () => {
    const empty = writeFlow('empty.flow.json', { id: 'empty', name: 'Empty', nodes: [], edges: [] });
    const result = await runCli(['validate', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FLOW_EMPTY');

    const nl2sql = JSON.parse(readFileSync('examples/flows/nl2sql.flow.json', 'utf8')) as {
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    nl2sql.nodes.find((node) => node.id === 'generate')!.params.n = 999;
    const bad = await runCli(['validate', writeFlow('n999.flow.json', nl2sql)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('generate: "n" must be at most');
    expect(bad.stderr).not.toContain('FLOW_MISSING_INPUT');
  });

  it('run prints the output JSON on stdout and progress on stderr', async () => {
    const result = await runCli([
      'run',
      'examples/flows/hello-branch.flow.json',
      '--input',
      '{"name":"Ada","n":3}',
      '--db',
      join(dir, 'r1.db'),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ value: { name: 'Ada', n: 3 } });
    expect(result.stderr).toContain('node big skipped');
    expect(result.stderr).toContain('succeeded');
  });

  it('run exits 1 naming the failing node, and says its error once', async () => {
    const path = writeFlow(
      'fail.flow.json',
      flowOf({ boom: ['test.step', { failTimes: 9, label: 'boom' }] }),
    );
    const occurrences = (text: string) => text.split('boom failed on attempt 1').length - 1;

    const shown = await runCli(['run', path, '--db', join(dir, 'r1.db')]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/node boom failed \(NODE_FAILED: boom failed on attempt 1\)/);
    expect(shown.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^run \S+ failed at node "boom" \(NODE_FAILED; its error is above\)$/,
    );
    expect(occurrences(shown.stderr)).toBe(1);

    const quiet = await runCli(['run', path, '--quiet', '--db', join(dir, 'r1.db')]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr.trim()).toMatch(
      /^run \S+ failed at node "boom": NODE_FAILED: boom failed on attempt 1$/,
    );

    const db = join(dir, 'r1.db');
    const [run] = JSON.parse((await runCli(['runs', 'list', '--json', '--db', db])).stdout) as {
      id: string;
    }[];
    const show = await runCli(['runs', 'show', run!.id, '--db', db]);
    expect(show.stdout).toContain('status   failed at node "boom" (NODE_FAILED)');
    expect(occurrences(show.stdout)).toBe(1);
  });

  it('start (and sim-llm) on a port in use say so in one line naming --port (and PORT), before setting anything up', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const db = join(dir, 'never-created.db');
    try {
      for (const [args, env] of [
        [['start', '--port', String(port), '--db', db], {}],
        [['start', '--db', db], { PORT: String(port) }],
      ] as const) {
        const result = await runCli([...args], env);
        expect(result.code).toBe(1);
        expect(result.stderr).toBe(
          `error CONFIG_INVALID: port ${port} on 127.0.0.1 is already in use; choose another with --port N or PORT=N\n`,
        );
      }
      expect(existsSync(db)).toBe(false);
      const sim = await runCli(['sim-llm', '--port', String(port)]);
      expect(sim.code).toBe(2);
      expect(sim.stderr).toBe(
        `error CONFIG_INVALID: port ${port} on 127.0.0.1 is already in use; choose another with --port N\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('runs list and runs show read the store', async () => {
    const db = join(dir, 'r1.db');
    await runCli([
      'run',
      'examples/flows/hello-branch.flow.json',
      '--input',
      '{"name":"A","n":1}',
      '--db',
      db,
    ]);
    const list = await runCli(['runs', 'list', '--json', '--db', db]);
    const runs = JSON.parse(list.stdout) as { id: string; status: string }[];
    expect(runs).toHaveLength(1);
    const show = await runCli(['runs', 'show', runs[0]!.id, '--db', db]);
    expect(show.stdout).toContain('is_big');
    expect(show.stdout).toContain('succeeded');
  });

  for (const resumeWith of ['runs resume', 'start'] as const) {
    it(`a run killed with SIGKILL continues on "${resumeWith}" and finished nodes do not run again`, async () => {
      const db = join(dir, 'r1.db');
      const log = join(dir, 'effects.log');
      const path = writeFlow(
        'slow.flow.json',
        flowOf(
          {
            t: ['trigger.manual'],
            a: ['test.step', { label: 'a', logFile: log }],
            b: ['test.step', { label: 'b', logFile: log, sleepMs: 2500 }],
            c: ['test.step', { label: 'c', logFile: log }],
          },
          ['t.payload->a.in', 'a.out->b.in', 'b.out->c.in'],
        ),
      );
      const first = startCli(['run', path, '--db', db]);
      await waitFor(() => lines(log).some((line) => line.includes(' b ')), 20_000, 'node b to start');
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');

      const store = new SqliteStore(db);
      const [killed] = await store.listRuns();
      expect(killed!.status).toBe('running');

      if (resumeWith === 'runs resume') {
        const resumed = await runCli(['runs', 'resume', '--db', db]);
        expect(resumed.code).toBe(0);
        expect(resumed.stdout).toContain(`${killed!.id} succeeded`);
      } else {
        const server = startCli(['start', '--db', db]);
        await waitFor(
          async () => (await store.getRun(killed!.id))!.run.status === 'succeeded',
          30_000,
          'the run to finish',
        );
        server.child.kill('SIGTERM');
        await server.done;
      }
      const stored = await store.getRun(killed!.id);
      await store.close();
      expect(stored!.run.status).toBe('succeeded');
      const effects = lines(log).map((line) => line.split(' ')[1]);
      expect(effects.filter((n) => n === 'a')).toHaveLength(1);
      expect(effects.filter((n) => n === 'b')).toHaveLength(2); // in flight at the kill: run again
      expect(effects.filter((n) => n === 'c')).toHaveLength(1);
    });
  }

  it('cancels a run driven by another process within a second', async () => {
    const db = join(dir, 'r1.db');
    const path = writeFlow('long.flow.json', flowOf({ s: ['test.step', { sleepMs: 60_000 }] }));
    const running = startCli(['run', path, '--db', db]);
    const store = new SqliteStore(db);
    await waitFor(async () => (await store.listRuns())[0]?.status === 'running', 20_000, 'the run to start');
    const [run] = await store.listRuns();
    const cancel = await runCli(['runs', 'cancel', run!.id, '--db', db]);
    expect(cancel.stdout).toContain('cancelled');
    const result = await running.done;
    expect(result.code).toBe(1);
    expect((await store.getRun(run!.id))!.run.status).toBe('cancelled');
    await store.close();
  });
});
