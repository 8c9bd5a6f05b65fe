// The cluster of issue #13, as deployed: one PostgreSQL store, one Redis, two `r1flow start`
// servers and two `r1flow worker` processes, all on 127.0.0.1. 200 webhook runs go in through both
// servers, then one server is SIGKILLed: every accepted run must finish, driven by the survivor,
// with no node of any run executed twice; a schedule ticking every second fires once per tick
// throughout, across the kill.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../security/signed-call.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { startWorkerProcess, type TestProcess } from '../workers/support/processes.ts';
import { type ServerProcess as Server, startServerProcess } from './support/server-process.ts';

const RUNS = 200;
/** test.step nodes of the hook flow; with the trigger, every run has five nodes. */
const STEPS = ['a', 'b', 'c', 'd'];
const SECRET_KEY = 'cluster-test-key';

let dir: string;
let pg: PostgresServer;
let redis: RedisServer;
let storeUrl: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-cluster-'));
  [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  storeUrl = await pg.createDatabase('cluster');
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([pg?.close(), redis?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** `r1flow start` on a free port, sharing the store and Redis; resolves once it listens. */
function startServer(name: string): Promise<Server> {
  return startServerProcess(
    name,
    ['--store', storeUrl, '--redis', redis.url, '--data-dir', join(dir, name)],
    {
      R1FLOW_SECRET_KEY: SECRET_KEY,
      R1FLOW_STORE: '',
      R1FLOW_DB: '',
      // Any URL keeps the server from starting the simulated model server; no node here calls it.
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
    },
    (child) => children.push(child),
  );
}

function startWorker(): TestProcess {
  const worker = startWorkerProcess(['--redis', redis.url, '--lanes', 'cpu', '--concurrency', '64']);
  children.push(worker.child);
  return worker;
}

async function createFlow(server: Server, json: unknown): Promise<{ newSecrets: { secret: string }[] }> {
  const response = await fetch(`${server.url}/api/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  const body = (await response.json()) as { newSecrets: { secret: string }[] };
  if (response.status !== 201) throw new Error(`creating a flow: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function sql<Row extends Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  return pg.query<Row>(text, params, 'cluster');
}

describe('a cluster of two servers and two workers on one PostgreSQL store and one Redis', () => {
  it('finishes every accepted run on the survivor after a server is SIGKILLed, runs no node twice, and fires each schedule tick once', async () => {
    const log = join(dir, 'executions.log');
    const a = await startServer('a');
    const b = await startServer('b');
    await Promise.all([startWorker(), startWorker()].map((worker) => worker.waitForLine(/ready/, 60_000)));

    const hookFlow = flowOf(
      {
        hook: ['trigger.webhook', { path: 'work', fields: [{ name: 'n' }], rateLimitPerMinute: 100_000 }],
        a: ['test.step', { label: 'a', sleepMs: 300, logFile: log }],
        b: ['test.step', { label: 'b', sleepMs: 300, logFile: log }],
        c: ['test.step', { label: 'c', sleepMs: 200, logFile: log }],
        d: ['test.step', { label: 'd', sleepMs: 100, logFile: log }],
      },
      ['hook.payload->a.in', 'a.out->b.in', 'a.out->c.in', 'b.out->d.in', 'c.out->d.other'],
      'work',
    );
    const secret = (await createFlow(a, hookFlow)).newSecrets[0]!.secret;
    const tickerFlow = flowOf(
      { tick: ['trigger.schedule', { cron: '* * * * * *' }], s: ['test.step', { label: 'tick' }] },
      ['tick.payload->s.in'],
      'ticker',
    );
    await createFlow(b, tickerFlow);
    await waitFor(
      async () => (await sql(`SELECT 1 FROM runs WHERE flow_id = 'ticker'`)).length >= 2,
      20_000,
      'the schedule to fire',
    );

    // 200 webhook calls, alternating between the servers, ten at a time.
    const accepted: { runId: string; server: string }[] = [];
    const sendStarted = Date.now();
    for (let i = 0; i < RUNS; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const server = (i + j) % 2 === 0 ? a : b;
          const body = JSON.stringify({ n: String(i + j) });
          const response = await fetch(`${server.url}/hooks/work`, {
            method: 'POST',
            headers: signedHeaders(secret, body),
            body,
          });
          expect(response.status).toBe(202);
          const { runId } = (await response.json()) as { runId: string };
          accepted.push({ runId, server: server.name });
        }),
      );
    }
    const sent = Date.now();

    const unfinished = async () =>
      (
        await sql<{ id: string }>(
          `SELECT id FROM runs WHERE flow_id = 'work' AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
        )
      ).map((row) => row.id);
    const inFlightAtKill = await unfinished();
    const ownerOf = async (server: string) => {
      const id = accepted.find((run) => run.server === server)!.runId;
      return (await sql<{ owner: string }>(`SELECT owner FROM runs WHERE id = $1`, [id]))[0]!.owner;
    };
    const survivor = await ownerOf('b');
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    // The survivor claims the dead server's runs (same host: it sees the pid gone; elsewhere the
    // 15 s lease would lapse first).
    await waitFor(
      async () =>
        (
          await sql(
            `SELECT 1 FROM runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled') AND owner <> $1`,
            [survivor],
          )
        ).length === 0,
      15_000,
      'the survivor to drive every unfinished run',
    );
    const takeoverMs = Date.now() - killedAt;
    await waitFor(async () => (await unfinished()).length === 0, 60_000, 'every run to finish');
    const lastFinished = await sql<{ last: string }>(
      `SELECT max(finished_at) AS last FROM runs WHERE flow_id = 'work'`,
    );
    const failoverMs = Number(lastFinished[0]!.last) - killedAt;
    const totalMs = Number(lastFinished[0]!.last) - sendStarted;

    // Every accepted run succeeded, and runs of the killed server were still in flight.
    expect(accepted).toHaveLength(RUNS);
    const runs = await sql<{ id: string; status: string; owner: string | null }>(
      `SELECT id, status, owner FROM runs WHERE flow_id = 'work'`,
    );
    expect(runs.map((run) => run.id).sort()).toEqual(accepted.map((run) => run.runId).sort());
    expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);
    const fromA = new Set(accepted.filter((run) => run.server === 'a').map((run) => run.runId));
    const takenOver = inFlightAtKill.filter((id) => fromA.has(id));
    expect(takenOver.length).toBeGreaterThan(0);
    const takenOverDone = await sql<{ last: string }>(
      `SELECT max(finished_at) AS last FROM runs WHERE id = ANY($1)`,
      [takenOver],
    );
    const takenOverMs = Number(takenOverDone[0]!.last) - killedAt;
    // Driven to the end within the lease time of the kill, the dead server's runs and all others.
    expect(takenOverMs).toBeLessThan(15_000);
    expect(failoverMs).toBeLessThan(15_000);

    // No node ran twice: one attempt of each of the five nodes per run, one execution each.
    const attempts = await sql<{ run_id: string; node_id: string; attempt: number; status: string }>(
      `SELECT run_id, node_id, attempt, status FROM node_attempts WHERE run_id IN
         (SELECT id FROM runs WHERE flow_id = 'work')`,
    );
    expect(attempts).toHaveLength(RUNS * (STEPS.length + 1));
    expect(attempts.filter((row) => row.attempt !== 1 || row.status !== 'succeeded')).toEqual([]);
    const executions = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const perNode = new Map<string, number>();
    for (const line of executions) {
      const [runId, nodeId] = line.split(' ');
      perNode.set(`${runId} ${nodeId}`, (perNode.get(`${runId} ${nodeId}`) ?? 0) + 1);
    }
    expect(perNode.size).toBe(RUNS * STEPS.length);
    expect([...perNode].filter(([, count]) => count !== 1)).toEqual([]);

    // The schedule fired once per tick, before and after the kill, and its runs finished too.
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM runs WHERE flow_id = 'ticker' AND created_at > $1`, [killedAt + 2000]))
          .length > 0,
      20_000,
      'a tick fired by the survivor',
    );
    b.child.kill('SIGTERM');
    await waitFor(() => b.child.exitCode !== null || b.child.signalCode !== null, 15_000, 'b to stop');
    const ticks = await sql<{ trigger: string; status: string }>(
      `SELECT trigger, status FROM runs WHERE flow_id = 'ticker'`,
    );
    const perTick = new Map<string, number>();
    for (const run of ticks) {
      const tick = (JSON.parse(run.trigger) as { detail: { tick: string } }).detail.tick;
      perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    }
    expect([...perTick].filter(([, count]) => count !== 1)).toEqual([]);
    const fires = await sql<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM schedule_fires GROUP BY status`,
    );
    const fired = (status: string) => Number(fires.find((row) => row.status === status)?.n ?? 0);
    expect(fired('started')).toBe(ticks.length);
    const times = [...perTick.keys()].map((tick) => Date.parse(tick)).sort((x, y) => x - y);
    const longestGap = Math.max(...times.slice(1).map((time, i) => time - times[i]!));

    console.info(
      `cluster: ${RUNS} runs sent in ${sent - sendStarted} ms, all finished ${totalMs} ms after the first ` +
        `(${((RUNS * 1000) / totalMs).toFixed(1)} runs/s); ${takenOver.length} of server a's runs were in ` +
        `flight at the kill; the survivor drove them ${takeoverMs} ms after it and finished them ` +
        `${takenOverMs} ms after it; the last run of all finished ` +
        `${failoverMs} ms after it; ${perTick.size} schedule ticks from ${new Date(times[0]!).toISOString()} ` +
        `to ${new Date(times.at(-1)!).toISOString()}, ${fired('missed')} recorded as missed, longest gap ${longestGap} ms`,
    );
  }, 180_000);
});
