// Fencing, as issue #13 asks for it: a server paused (SIGSTOP) longer than its lease wakes up
// mid-node, while another server has taken the run over and finished it. The woken server must
// not write a thing to that run: its node's result and its lease renewal both meet a fence, it
// says it lost the run, and goes on serving.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { type ServerProcess, startServerProcess } from './support/server-process.ts';

const LEASE_MS = 2_000;

let dir: string;
let pg: PostgresServer;
let storeUrl: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-paused-'));
  pg = await startPostgresServer();
  storeUrl = await pg.createDatabase('paused');
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await pg?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startServer(name: string): Promise<ServerProcess> {
  return startServerProcess(
    name,
    ['--store', storeUrl, '--data-dir', join(dir, name), '--lease-ms', String(LEASE_MS)],
    {
      R1FLOW_SECRET_KEY: 'paused-test-key',
      R1FLOW_STORE: '',
      R1FLOW_DB: '',
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
    },
    (child) => children.push(child),
  );
}

const sql = <Row extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  pg.query<Row>(text, params, 'paused');

/** Everything the store holds about a run, as text: equal snapshots mean nothing was written. */
async function storedRun(runId: string): Promise<string> {
  const [run] = await sql('SELECT * FROM runs WHERE id = $1', [runId]);
  const nodes = await sql('SELECT * FROM node_runs WHERE run_id = $1 ORDER BY node_id', [runId]);
  const attempts = await sql('SELECT * FROM node_attempts WHERE run_id = $1 ORDER BY node_id, attempt', [
    runId,
  ]);
  const events = await sql('SELECT seq, type, node_id FROM run_events WHERE run_id = $1 ORDER BY seq', [
    runId,
  ]);
  return JSON.stringify({ run, nodes, attempts, events });
}

describe('a server paused longer than its lease', () => {
  it('wakes up to find its run taken over and writes nothing to it', async () => {
    const log = join(dir, 'executions.log');
    const a = await startServer('a');
    const b = await startServer('b');
    const flow = flowOf(
      {
        t: ['trigger.manual'],
        slow: ['test.step', { label: 'slow', sleepMs: 3_000, logFile: log }],
        after: ['test.step', { label: 'after', logFile: log }],
      },
      ['t.payload->slow.in', 'slow.out->after.in'],
      'paused',
    );
    const created = await fetch(`${a.url}/api/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(created.status).toBe(201);
    const started = await fetch(`${a.url}/api/flows/paused/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: {} }),
    });
    const runId = ((await started.json()) as { run: { id: string } }).run.id;
    const executions = (node: string) =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith(`${runId} ${node} `)).length;
    await waitFor(
      () => {
        try {
          return executions('slow') === 1;
        } catch {
          return false; // no log file yet
        }
      },
      20_000,
      'server A to start the slow node',
    );
    const ownerOf = async () =>
      (await sql<{ owner: string }>('SELECT owner FROM runs WHERE id = $1', [runId]))[0]?.owner;
    const ownerA = await ownerOf();
    expect(ownerA).toBeTruthy();

    a.child.kill('SIGSTOP');
    await waitFor(
      async () =>
        (await sql('SELECT 1 FROM runs WHERE id = $1 AND status = $2', [runId, 'succeeded'])).length === 1,
      30_000,
      'server B to take the run over and finish it',
    );
    expect(await ownerOf()).not.toBe(ownerA);
    expect(executions('slow')).toBe(2); // once on A (paused mid-node), once on B
    const finished = await storedRun(runId);

    a.child.kill('SIGCONT');
    await waitFor(
      () => a.output().includes('lost the lease on a run') && a.output().includes(runId),
      20_000,
      'server A to say it lost the run',
    );
    // A's slow node has finished by now (its 3 s passed while it was stopped); give any write it
    // might still attempt time to land before comparing.
    await sleep(1_000);
    expect(await storedRun(runId)).toBe(finished);
    expect(executions('after')).toBe(1);
    expect(b.output()).not.toContain('lost the lease on a run');

    const health = await fetch(`${a.url}/healthz`);
    expect(health.status).toBe(200);
    const next = await fetch(`${a.url}/api/flows/paused/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: {} }),
    });
    expect(next.status).toBe(201);
  }, 120_000);
});
