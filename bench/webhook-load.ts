// bench/webhook-load: 200 concurrent clients for 30 s against an async webhook of a small flow on
// `r1flow start` (a separate process, inline transport, SQLite store). Reports accepted requests
// per second and accept latency percentiles, then proves every accepted request has a run that
// reached a terminal state. A second phase SIGKILLs the server half-way, restarts it, and checks
// that every request that got a 2xx still has its run. All traffic stays on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../engine/store/sqlite-store.ts';
import { freePort } from '../tests/support/redis-server.ts';
import { writeResult } from './support/results.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CLI = fileURLToPath(new URL('../bin/r1flow-dev.js', import.meta.url));

const flow = {
  id: 'load',
  name: 'Webhook load',
  nodes: [
    {
      id: 'hook',
      type: 'trigger.webhook@1',
      params: {
        path: 'load',
        auth: 'token',
        rateLimitPerMinute: 1_000_000,
        fields: [{ name: 'n', type: 'integer' }],
      },
    },
    { id: 'out', type: 'output.answer@1', params: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'hook', port: 'payload' }, to: { node: 'out', port: 'value' } }],
};

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

function startServer(dir: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--db', join(dir, 'r1.db')], {
    env: {
      ...process.env,
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
      R1FLOW_SCHEMA_INDEX_DIR: join(dir, 'index'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('r1flow is running')) resolve({ child, exited });
    });
    child.once('exit', () => reject(new Error(`server exited before it was ready:\n${log}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function post(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function createHook(port: number): Promise<string> {
  const created = await post(port, '/api/flows', JSON.stringify(flow), {});
  return (JSON.parse(created.text) as { newSecrets: { secret: string }[] }).newSecrets[0]!.secret;
}

interface LoadResult {
  accepted: string[];
  latenciesMs: number[];
  refused: number;
  errors: number;
}

async function load(
  port: number,
  token: string,
  seconds: number,
  onHalfway?: () => Promise<void>,
): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], latenciesMs: [], refused: 0, errors: 0 };
  const end = Date.now() + seconds * 1000;
  let halfway = onHalfway ? Date.now() + (seconds * 1000) / 2 : Number.POSITIVE_INFINITY;
  let n = 0;
  const client = async () => {
    while (Date.now() < end) {
      if (Date.now() >= halfway) {
        halfway = Number.POSITIVE_INFINITY;
        void onHalfway?.();
      }
      const started = performance.now();
      try {
        const response = await post(port, '/hooks/load', JSON.stringify({ n: n++ }), {
          authorization: `Bearer ${token}`,
        });
        if (response.status === 202) {
          result.accepted.push((JSON.parse(response.text) as { runId: string }).runId);
          result.latenciesMs.push(performance.now() - started);
        } else result.refused++;
      } catch {
        result.errors++;
        await new Promise((resolve) => setTimeout(resolve, 20)); // server down: do not spin
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return result;
}

/** Every accepted run id is in the store, and every run there finished (while the server still runs). */
async function audit(dbPath: string, accepted: string[], timeoutMs = 120_000) {
  const store = new SqliteStore(dbPath);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unfinished = (await store.countRunsByStatus()).running ?? 0;
      const queued = (await store.countRunsByStatus()).queued ?? 0;
      if (unfinished + queued === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const statuses = await store.countRunsByStatus();
    let missing = 0;
    let notTerminal = 0;
    for (const id of accepted) {
      const run = await store.getRunRecord(id);
      if (!run) missing++;
      else if (!['succeeded', 'failed', 'cancelled'].includes(run.status)) notTerminal++;
    }
    return { statuses, missing, notTerminal };
  } finally {
    await store.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1));
}

function summarize(result: LoadResult, seconds: number) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    acceptedRequests: result.accepted.length,
    acceptedPerSecond: Math.round(result.accepted.length / seconds),
    refused: result.refused,
    connectionErrors: result.errors,
    latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) },
  };
}

// Phase 1: steady load.
const dir1 = mkdtempSync(join(tmpdir(), 'r1flow-webhook-load-'));
const port1 = await freePort();
const server1 = await startServer(dir1, port1);
const token1 = await createHook(port1);
const steady = await load(port1, token1, SECONDS);
const steadyAudit = await audit(join(dir1, 'r1.db'), steady.accepted);
server1.child.kill('SIGTERM');
await server1.exited;

// Phase 2: the server is SIGKILLed half-way and restarted.
const dir2 = mkdtempSync(join(tmpdir(), 'r1flow-webhook-load-'));
const port2 = await freePort();
let server2 = await startServer(dir2, port2);
const token2 = await createHook(port2);
let restartedAfterMs = 0;
const crashed = await load(port2, token2, SECONDS, async () => {
  const killedAt = Date.now();
  server2.child.kill('SIGKILL');
  await server2.exited;
  server2 = await startServer(dir2, port2);
  restartedAfterMs = Date.now() - killedAt;
});
const crashAudit = await audit(join(dir2, 'r1.db'), crashed.accepted);
server2.child.kill('SIGTERM');
await server2.exited;
agent.destroy();
rmSync(dir1, { recursive: true, force: true });
rmSync(dir2, { recursive: true, force: true });

const result = {
  clients: CLIENTS,
  seconds: SECONDS,
  steady: { ...summarize(steady, SECONDS), ...steadyAudit },
  killedAndRestarted: { ...summarize(crashed, SECONDS), restartedAfterMs, ...crashAudit },
  target: { acceptedPerSecond: 500 },
  meetsTarget: steady.accepted.length / SECONDS >= 500,
  nothingLost:
    steadyAudit.missing + steadyAudit.notTerminal + crashAudit.missing + crashAudit.notTerminal === 0,
};
const path = writeResult('webhook-load', 'node bin/run-ts.js bench/webhook-load.ts', result);
console.log(
  `webhook-load: ${result.steady.acceptedPerSecond} accepted/s (p50 ${result.steady.latencyMs.p50} ms, p99 ${result.steady.latencyMs.p99} ms); ` +
    `lost ${steadyAudit.missing} of ${steady.accepted.length}; with a SIGKILL+restart: lost ${crashAudit.missing} of ${crashed.accepted.length}, unfinished ${crashAudit.notTerminal} → ${path}`,
);
console.log(`ratio_vs_target ${(result.steady.acceptedPerSecond / 500).toFixed(2)}`);
