// bench/queue-overhead: what queue mode costs over raw BullMQ. On one redis-server and with one
// worker process each: (1) raw BullMQ no-op jobs/s (one Worker, concurrency 50, jobs added in
// bulk), versus (2) r1flow node executions/s for 500 runs of a 5-node linear no-op flow, every node
// state persisted (SQLite, WAL) by an orchestrator in this process, node jobs run by an `r1flow
// worker`-equivalent process. The two take turns ROUNDS times; medians are reported. Reports
// where r1flow's time goes: store commits, transport calls, Redis commands per node, and CPU of
// the orchestrator, the worker and Redis per node.
//   node bin/run-ts.js bench/queue-overhead.ts
// The same file is the worker process (`--raw-worker` / `--r1flow-worker`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { FlowDocumentSchema } from '../engine/flow-schema.ts';
import { silentLogger } from '../engine/node-context.ts';
import { ResourcePool } from '../engine/resources.ts';
import { Orchestrator } from '../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../engine/store/sqlite-store.ts';
import { createNodeRegistry } from '../nodes/index.ts';
import { startRedisServer } from '../tests/support/redis-server.ts';
import { createQueueTransport } from '../workers/queue-transport.ts';
import { closeRedis, openRedis } from '../workers/redis-connection.ts';
import { startQueueWorker } from '../workers/start-worker.ts';
import { linearNoopFlow, noopNode } from './support/noop-node.ts';
import { writeResult } from './support/results.ts';

const RAW_JOBS = Number(process.env.BENCH_RAW_JOBS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const NODES = 5;
/** Runs in flight at once (default: all of them, as many users' runs would be). */
const RUN_WINDOW = Number(process.env.BENCH_RUN_WINDOW ?? RUNS);
/** Raw and r1flow take turns this many times; medians are reported (this host is shared and noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKER_CONCURRENCY = 50;
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

const [role, redisUrl, prefix, count] = process.argv.slice(2);
if (role === '--raw-worker') await rawWorker(redisUrl!, prefix!, Number(count));
else if (role === '--r1flow-worker') await r1flowWorker(redisUrl!, prefix!);
else await main();

/** A plain BullMQ worker that does nothing per job and says each time it has seen another `total` jobs. */
async function rawWorker(url: string, queuePrefix: string, total: number): Promise<void> {
  const connection = openRedis(url, 'bench-raw', silentLogger);
  let done = 0;
  const worker = new Worker('noop', async () => {}, {
    connection,
    prefix: queuePrefix,
    concurrency: WORKER_CONCURRENCY,
  });
  worker.on('completed', () => {
    if (++done % total === 0) console.log(`done ${Date.now()}`);
  });
  await worker.waitUntilReady();
  await serveUntilSigterm();
  await worker.close();
  await closeRedis(connection);
}

async function r1flowWorker(url: string, queuePrefix: string): Promise<void> {
  const resources = new ResourcePool();
  const worker = await startQueueWorker({
    redisUrl: url,
    prefix: queuePrefix,
    lanes: ['cpu'],
    concurrency: WORKER_CONCURRENCY,
    registry: createNodeRegistry([noopNode]),
    resources,
  });
  await serveUntilSigterm();
  await worker.close();
  await resources.disposeAll();
}

/** Says "ready", prints its CPU time on SIGUSR2, returns on SIGTERM. */
async function serveUntilSigterm(): Promise<void> {
  process.on('SIGUSR2', () => console.log(`cpu ${cpuMs()}`));
  console.log('ready');
  await new Promise((resolve) => process.once('SIGTERM', resolve));
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** A worker process of this benchmark; `next` waits for its next output line matching a pattern. */
function startChild(args: string[]) {
  const child = spawn(process.execPath, [RUN_TS, THIS_FILE, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  const lines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete);
  });
  let read = 0;
  const next = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      while (read < lines.length) {
        const line = lines[read++]!;
        if (pattern.test(line)) return line;
      }
      if (child.exitCode !== null) throw new Error(`worker process exited: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return {
    next,
    async cpuMs() {
      child.kill('SIGUSR2');
      return Number((await next(/^cpu /)).split(' ')[1]);
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
type Child = ReturnType<typeof startChild>;

/** Redis's own CPU (ms) and commands processed so far. */
async function redisCounters(redis: Redis): Promise<{ cpuMs: number; commands: number }> {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    cpuMs: Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1000),
    commands: field('total_commands_processed'),
  };
}

/** CPU of this process, the worker process and Redis, and Redis commands, across `work`. */
async function measure(admin: Redis, worker: Child, work: () => Promise<void>) {
  const redisBefore = await redisCounters(admin);
  const workerBefore = await worker.cpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const workerCpuMs = (await worker.cpuMs()) - workerBefore;
  const redisAfter = await redisCounters(admin);
  return {
    elapsedMs,
    producerCpuMs: (cpu.user + cpu.system) / 1000,
    workerCpuMs,
    redisCpuMs: redisAfter.cpuMs - redisBefore.cpuMs,
    redisCommands: redisAfter.commands - redisBefore.commands,
  };
}

function perUnit(value: number, units: number, digits = 4): number {
  return Number((value / units).toFixed(digits));
}

async function rawRound(admin: Redis, worker: Child, round: number) {
  const queue = new Queue('noop', { connection: admin, prefix: 'raw' });
  const m = await measure(admin, worker, async () => {
    for (let i = 0; i < RAW_JOBS; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, RAW_JOBS - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { jobId: `raw-${round}-${i + j}`, removeOnComplete: true },
      }));
      await queue.addBulk(chunk);
    }
    await worker.next(/^done/);
  });
  await queue.close();
  return {
    jobsPerSecond: Math.round(RAW_JOBS / (m.elapsedMs / 1000)),
    producerCpuMsPerJob: perUnit(m.producerCpuMs, RAW_JOBS),
    workerCpuMsPerJob: perUnit(m.workerCpuMs, RAW_JOBS),
    redisCpuMsPerJob: perUnit(m.redisCpuMs, RAW_JOBS),
    redisCommandsPerJob: perUnit(m.redisCommands, RAW_JOBS, 2),
  };
}

/** An orchestrator in this process with the queue transport, its store commits and submits timed. */
async function startR1flow(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-'));
  const store = new SqliteStore(join(dir, 'bench.db'));
  const registry = createNodeRegistry([noopNode]);
  const transport = createQueueTransport({ redisUrl: url, prefix: 'r1flow' });
  const timing = { commitMs: 0, commits: 0, submitMs: 0, submits: 0 };
  const commit = store.commit.bind(store);
  store.commit = async (changes, options) => {
    const t = performance.now();
    try {
      return await commit(changes, options);
    } finally {
      timing.commitMs += performance.now() - t;
      timing.commits++;
    }
  };
  const submit = transport.submit.bind(transport);
  transport.submit = async (jobs) => {
    const t = performance.now();
    try {
      await submit(jobs);
    } finally {
      timing.submitMs += performance.now() - t;
      timing.submits++;
    }
  };
  const orchestrator = new Orchestrator({ store, transport, registry });
  await orchestrator.start();
  const saved = await store.saveFlow(FlowDocumentSchema.parse(linearNoopFlow('bench', NODES)));
  const runOne = async () => {
    const run = await orchestrator.startRun({ flowId: saved.flowId, version: saved.version });
    const { run: done } = await orchestrator.waitForRun(run.id);
    if (done.status !== 'succeeded') throw new Error(`run ${run.id} ${done.status}`);
  };
  return {
    timing,
    async runMany(total: number) {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(RUN_WINDOW, total) }, async () => {
          while (next < total) {
            next++;
            await runOne();
          }
        }),
      );
    },
    async close() {
      await orchestrator.close();
      await transport.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
type R1flow = Awaited<ReturnType<typeof startR1flow>>;

async function r1flowRound(admin: Redis, worker: Child, r1flow: R1flow) {
  Object.assign(r1flow.timing, { commitMs: 0, commits: 0, submitMs: 0, submits: 0 });
  const m = await measure(admin, worker, () => r1flow.runMany(RUNS));
  const executions = RUNS * NODES;
  const { timing } = r1flow;
  return {
    nodeExecutionsPerSecond: Math.round(executions / (m.elapsedMs / 1000)),
    wallMsPerNode: perUnit(m.elapsedMs, executions),
    orchestratorCpuMsPerNode: perUnit(m.producerCpuMs, executions),
    workerCpuMsPerNode: perUnit(m.workerCpuMs, executions),
    redisCpuMsPerNode: perUnit(m.redisCpuMs, executions),
    redisCommandsPerNode: perUnit(m.redisCommands, executions, 2),
    nodesPerCommit: perUnit(executions, timing.commits, 2),
    storeCommitMsPerNode: perUnit(timing.commitMs, executions),
    storeCommitShareOfWall: perUnit(timing.commitMs, m.elapsedMs, 3),
    jobsPerSubmit: perUnit(executions, timing.submits, 2),
    submitWaitMsPerNode: perUnit(timing.submitMs, executions),
  };
}

/** The round with the median value of `key`. */
function medianBy<T>(rounds: T[], key: keyof T): T {
  return [...rounds].sort((a, b) => Number(a[key]) - Number(b[key]))[Math.floor(rounds.length / 2)]!;
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const admin = openRedis(redis.url, 'bench-admin', silentLogger);
  const rawWorkerProcess = startChild(['--raw-worker', redis.url, 'raw', String(RAW_JOBS)]);
  const r1flowWorkerProcess = startChild(['--r1flow-worker', redis.url, 'r1flow']);
  await Promise.all([rawWorkerProcess.next(/^ready/), r1flowWorkerProcess.next(/^ready/)]);
  const r1flow = await startR1flow(redis.url);
  try {
    await r1flow.runMany(100); // warm-up: JIT, prepared statements, connections
    const raws = [];
    const r1flows = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await rawRound(admin, rawWorkerProcess, round));
      r1flows.push(await r1flowRound(admin, r1flowWorkerProcess, r1flow));
    }
    const raw = medianBy(raws, 'jobsPerSecond');
    const ours = medianBy(r1flows, 'nodeExecutionsPerSecond');
    const ratio = ours.nodeExecutionsPerSecond / raw.jobsPerSecond;
    const path = writeResult('queue-overhead', 'node bin/run-ts.js bench/queue-overhead.ts', {
      workerProcesses: 1,
      workerConcurrency: WORKER_CONCURRENCY,
      rounds: ROUNDS,
      raw: { jobsPerRound: RAW_JOBS, median: raw, jobsPerSecondByRound: raws.map((r) => r.jobsPerSecond) },
      r1flow: {
        runs: RUNS,
        nodesPerRun: NODES,
        runsInFlight: RUN_WINDOW,
        median: ours,
        nodeExecutionsPerSecondByRound: r1flows.map((r) => r.nodeExecutionsPerSecond),
      },
      ratio_vs_raw: Number(ratio.toFixed(3)),
      target: { ratio_vs_raw: 0.3, stretch: 0.5 },
      meetsTarget: ratio >= 0.3,
    });
    console.log(
      `queue-overhead: raw BullMQ ${raw.jobsPerSecond} jobs/s; r1flow ${ours.nodeExecutionsPerSecond} node executions/s ` +
        `(per node: ${ours.redisCommandsPerNode} Redis commands vs ${raw.redisCommandsPerJob} raw; CPU ms orchestrator ` +
        `${ours.orchestratorCpuMsPerNode}, worker ${ours.workerCpuMsPerNode} vs ${raw.workerCpuMsPerJob} raw, Redis ` +
        `${ours.redisCpuMsPerNode} vs ${raw.redisCpuMsPerJob} raw; ${ours.nodesPerCommit} nodes/commit, commits ` +
        `${Math.round(ours.storeCommitShareOfWall * 100)}% of wall) → ${path}`,
    );
    console.log(`ratio_vs_raw ${ratio.toFixed(2)}`);
  } finally {
    await r1flow.close();
    await Promise.all([rawWorkerProcess.stop(), r1flowWorkerProcess.stop()]);
    await closeRedis(admin);
    await redis.close();
  }
}
