// bench/queue-overhead: what queue mode costs over raw BullMQ. On one redis-server and with one
// worker process each: (1) raw BullMQ no-op jobs/s (one Worker, concurrency 50, jobs added in
// bulk), versus (2) r1flow node executions/s for 500 runs of a 5-node linear no-op flow, every node
// state persisted (SQLite, WAL) by an orchestrator in this process, node jobs run by an `r1flow
// worker`-equivalent process, and (3) the same with the PostgreSQL store (a throwaway local
// cluster, fsync off, as tests/support/postgres-server.ts makes it; its own Redis prefix and worker
// process). The three take turns ROUNDS times; medians are reported. Reports where r1flow's time
// goes: store commits, transport calls, Redis commands per node (in all and per command), and CPU
// of the orchestrator, the worker, Redis and PostgreSQL per node.
//   node bin/run-ts.js bench/queue-overhead.ts
// The same file is the raw BullMQ worker process (`--raw-worker`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger } from '../engine/node-context.ts';
import { openStore } from '../engine/store/open-store.ts';
import { postgresBinDir, startPostgresServer } from '../tests/support/postgres-server.ts';
import { startRedisServer } from '../tests/support/redis-server.ts';
import { closeRedis, openRedis } from '../workers/redis-connection.ts';
import type { Child, Probes } from './support/processes.ts';
import {
  commandsPerUnit,
  measure,
  medianBy,
  perUnit,
  serveUntilSigterm,
  startChild,
  startR1flowWorker,
  WORKER_CONCURRENCY,
} from './support/processes.ts';
import type { QueueOrchestrator } from './support/queue-orchestrator.ts';
import { startQueueOrchestrator } from './support/queue-orchestrator.ts';
import { writeResult } from './support/results.ts';

const RAW_JOBS = Number(process.env.BENCH_RAW_JOBS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const NODES = 5;
/** Runs in flight at once (default: all of them, as many users' runs would be). */
const RUN_WINDOW = Number(process.env.BENCH_RUN_WINDOW ?? RUNS);
/** Raw and r1flow take turns this many times; medians are reported (this host is shared and noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THIS_FILE = fileURLToPath(import.meta.url);

const [role, redisUrl, prefix, count] = process.argv.slice(2);
if (role === '--raw-worker') await rawWorker(redisUrl!, prefix!, Number(count));
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

async function rawRound(admin: Redis, worker: Child, round: number) {
  const queue = new Queue('noop', { connection: admin, prefix: 'raw' });
  const m = await measure({ redis: admin, workers: [worker] }, async () => {
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
    producerCpuMsPerJob: perUnit(m.thisCpuMs, RAW_JOBS),
    workerCpuMsPerJob: perUnit(m.workerCpuMs, RAW_JOBS),
    redisCpuMsPerJob: perUnit(m.redisCpuMs, RAW_JOBS),
    redisCommandsPerJob: perUnit(m.redisCommands, RAW_JOBS, 2),
    redisCallsPerJobByCommand: commandsPerUnit(m.commandCalls, RAW_JOBS),
  };
}

async function r1flowRound(probes: Probes, r1flow: QueueOrchestrator) {
  r1flow.resetTiming();
  const m = await measure(probes, () => r1flow.runMany(RUNS, RUN_WINDOW));
  const executions = RUNS * NODES;
  const { timing } = r1flow;
  return {
    nodeExecutionsPerSecond: Math.round(executions / (m.elapsedMs / 1000)),
    wallMsPerNode: perUnit(m.elapsedMs, executions),
    orchestratorCpuMsPerNode: perUnit(m.thisCpuMs, executions),
    workerCpuMsPerNode: perUnit(m.workerCpuMs, executions),
    redisCpuMsPerNode: perUnit(m.redisCpuMs, executions),
    ...(probes.postgresDir ? { postgresCpuMsPerNode: perUnit(m.postgresCpuMs, executions) } : {}),
    redisCommandsPerNode: perUnit(m.redisCommands, executions, 2),
    nodesPerCommit: perUnit(executions, timing.commits, 2),
    storeCommitMsPerNode: perUnit(timing.commitMs, executions),
    storeCommitShareOfWall: perUnit(timing.commitMs, m.elapsedMs, 3),
    jobsPerSubmit: perUnit(executions, timing.submits, 2),
    submitWaitMsPerNode: perUnit(timing.submitMs, executions),
    redisCallsPerNodeByCommand: commandsPerUnit(m.commandCalls, executions),
  };
}

function summary(label: string, rounds: Awaited<ReturnType<typeof r1flowRound>>[]) {
  const median = medianBy(rounds, 'nodeExecutionsPerSecond');
  return {
    label,
    block: {
      runs: RUNS,
      nodesPerRun: NODES,
      runsInFlight: RUN_WINDOW,
      median,
      nodeExecutionsPerSecondByRound: rounds.map((r) => r.nodeExecutionsPerSecond),
    },
    median,
  };
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const admin = openRedis(redis.url, 'bench-admin', silentLogger);
  const postgres = postgresBinDir() ? await startPostgresServer() : undefined;
  if (!postgres)
    console.error('queue-overhead: PostgreSQL is not installed; the PostgreSQL store variant is skipped');
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-'));
  const rawWorkerProcess = startChild(THIS_FILE, ['--raw-worker', redis.url, 'raw', String(RAW_JOBS)]);
  const [sqliteWorker, postgresWorker] = await Promise.all([
    startR1flowWorker(redis.url, ['r1flow']),
    postgres ? startR1flowWorker(redis.url, ['r1flow-pg']) : undefined,
    rawWorkerProcess.next(/^ready/),
  ]);
  const sqlite = await startQueueOrchestrator({
    store: await openStore(join(dir, 'bench.db')),
    redisUrl: redis.url,
    prefix: 'r1flow',
    nodes: NODES,
  });
  const pg = postgres
    ? await startQueueOrchestrator({
        store: await openStore(await postgres.createDatabase('queue_overhead')),
        redisUrl: redis.url,
        prefix: 'r1flow-pg',
        nodes: NODES,
      })
    : undefined;
  try {
    // Warm-up: JIT, prepared statements, connections.
    await sqlite.runMany(100, 100);
    await pg?.runMany(100, 100);
    const raws = [];
    const sqliteRounds = [];
    const postgresRounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await rawRound(admin, rawWorkerProcess, round));
      sqliteRounds.push(await r1flowRound({ redis: admin, workers: [sqliteWorker] }, sqlite));
      if (pg && postgres && postgresWorker) {
        const probes = { redis: admin, workers: [postgresWorker], postgresDir: postgres.dir };
        postgresRounds.push(await r1flowRound(probes, pg));
      }
    }
    const raw = medianBy(raws, 'jobsPerSecond');
    const sqliteSummary = summary('SQLite', sqliteRounds);
    const ours = sqliteSummary.median;
    const ratio = ours.nodeExecutionsPerSecond / raw.jobsPerSecond;
    const pgSummary = postgresRounds.length > 0 ? summary('PostgreSQL', postgresRounds) : undefined;
    const pgRatio = pgSummary ? pgSummary.median.nodeExecutionsPerSecond / raw.jobsPerSecond : undefined;
    const path = writeResult('queue-overhead', 'node bin/run-ts.js bench/queue-overhead.ts', {
      workerProcesses: 1,
      workerConcurrency: WORKER_CONCURRENCY,
      rounds: ROUNDS,
      raw: { jobsPerRound: RAW_JOBS, median: raw, jobsPerSecondByRound: raws.map((r) => r.jobsPerSecond) },
      r1flow: { store: 'sqlite', ...sqliteSummary.block },
      r1flowPostgres: pgSummary ? { store: 'postgresql', ...pgSummary.block } : null,
      ratio_vs_raw: Number(ratio.toFixed(3)),
      ratio_vs_raw_postgres: pgRatio === undefined ? null : Number(pgRatio.toFixed(3)),
      postgres_vs_sqlite: pgSummary
        ? Number((pgSummary.median.nodeExecutionsPerSecond / ours.nodeExecutionsPerSecond).toFixed(3))
        : null,
      target: { ratio_vs_raw: 0.3, stretch: 0.5 },
      meetsTarget: ratio >= 0.3,
    });
    for (const { label, median } of [sqliteSummary, ...(pgSummary ? [pgSummary] : [])]) {
      console.log(
        `queue-overhead: raw BullMQ ${raw.jobsPerSecond} jobs/s; r1flow (${label} store) ${median.nodeExecutionsPerSecond} node executions/s ` +
          `(per node: ${median.redisCommandsPerNode} Redis commands vs ${raw.redisCommandsPerJob} raw; CPU ms orchestrator ` +
          `${median.orchestratorCpuMsPerNode}, worker ${median.workerCpuMsPerNode} vs ${raw.workerCpuMsPerJob} raw, Redis ` +
          `${median.redisCpuMsPerNode} vs ${raw.redisCpuMsPerJob} raw` +
          `${'postgresCpuMsPerNode' in median ? `, PostgreSQL ${median.postgresCpuMsPerNode}` : ''}; ` +
          `${median.nodesPerCommit} nodes/commit, commits ${Math.round(median.storeCommitShareOfWall * 100)}% of wall) → ${path}`,
      );
    }
    console.log(
      `ratio_vs_raw ${ratio.toFixed(2)}${pgRatio === undefined ? '' : ` (PostgreSQL store ${pgRatio.toFixed(2)})`}`,
    );
  } finally {
    await sqlite.close();
    await pg?.close();
    await Promise.all([rawWorkerProcess.stop(), sqliteWorker.stop(), postgresWorker?.stop()]);
    await closeRedis(admin);
    await redis.close();
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
