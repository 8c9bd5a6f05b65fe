// bench/scale-out: node executions per second and orchestrator CPU per node with the PostgreSQL
// store against the SQLite store, and with one against two servers (orchestrators) sharing the
// store, side by side in one run. Each of the four setups has its own store (a SQLite file, WAL;
// a database of one throwaway PostgreSQL cluster, fsync off as tests/support/postgres-server.ts
// makes it) and its own `r1flow worker`-equivalent process (concurrency 50 per server); every
// server is an orchestrator in this process with its own store handle and queue transport. The
// servers of the two-server setups use one Redis with a Redis prefix each (and the worker serves
// both prefixes): two orchestrators on one prefix would read each other's results. Each
// measurement runs RUNS runs of a 10-node linear no-op flow with RUNS_IN_FLIGHT in flight in all
// (split between the servers); the setups take turns ROUNDS times and medians are reported.
// Orchestrator CPU is this process's (all servers of the setup); worker, Redis and PostgreSQL CPU
// are read from their processes. All servers share this machine's cores, so "two servers" measures
// what sharing the store costs, not what a second machine would add.
//   node bin/run-ts.js bench/scale-out.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../engine/node-context.ts';
import { openStore } from '../engine/store/open-store.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';
import { startRedisServer } from '../tests/support/redis-server.ts';
import { closeRedis, openRedis } from '../workers/redis-connection.ts';
import type { Child } from './support/processes.ts';
import { measure, medianBy, perUnit, startR1flowWorker, WORKER_CONCURRENCY } from './support/processes.ts';
import type { QueueOrchestrator } from './support/queue-orchestrator.ts';
import { startQueueOrchestrator } from './support/queue-orchestrator.ts';
import { writeResult } from './support/results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const RUNS_IN_FLIGHT = Number(process.env.BENCH_RUNS_IN_FLIGHT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const NODES = 10;

type StoreKind = 'sqlite' | 'postgresql';
interface Setup {
  name: string;
  store: StoreKind;
  servers: number;
  orchestrators: QueueOrchestrator[];
  worker: Child;
}

const redis = await startRedisServer();
const admin = openRedis(redis.url, 'bench-admin', silentLogger);
const postgres = await startPostgresServer();
const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-'));
const setups: Setup[] = [];
try {
  for (const store of ['sqlite', 'postgresql'] as const) {
    for (const servers of [1, 2]) {
      const name = `${store}-${servers}`;
      const location =
        store === 'sqlite' ? join(dir, `${name}.db`) : await postgres.createDatabase(name.replace('-', '_'));
      const prefixes = Array.from({ length: servers }, (_, i) => `${name}-${'ab'[i]}`);
      const worker = await startR1flowWorker(redis.url, prefixes);
      const orchestrators: QueueOrchestrator[] = [];
      // One after another: the first applies the schema (SQLite migrations, PostgreSQL's steps).
      for (const prefix of prefixes) {
        orchestrators.push(
          await startQueueOrchestrator({
            store: await openStore(location),
            redisUrl: redis.url,
            prefix,
            nodes: NODES,
          }),
        );
      }
      setups.push({ name, store, servers, orchestrators, worker });
    }
  }
  // Warm-up: JIT, prepared statements, connections, and a first batch of rows in every store.
  for (const setup of setups) await runSetup(setup, 30);
  const rounds = new Map(
    setups.map((setup) => [setup.name, [] as Awaited<ReturnType<typeof measureSetup>>[]]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of setups) rounds.get(setup.name)!.push(await measureSetup(setup));
  }
  const results = Object.fromEntries(
    setups.map(({ name, store, servers }) => {
      const all = rounds.get(name)!;
      return [
        name,
        {
          store,
          servers,
          median: medianBy(all, 'nodeExecutionsPerSecond'),
          nodeExecutionsPerSecondByRound: all.map((r) => r.nodeExecutionsPerSecond),
          orchestratorCpuMsPerNodeByRound: all.map((r) => r.orchestratorCpuMsPerNode),
        },
      ];
    }),
  );
  const m = (name: string) => results[name]!.median;
  const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
  const ratios = {
    postgresVsSqlite: {
      oneServer: {
        nodeExecutionsPerSecond: ratio(
          m('postgresql-1').nodeExecutionsPerSecond,
          m('sqlite-1').nodeExecutionsPerSecond,
        ),
        orchestratorCpuMsPerNode: ratio(
          m('postgresql-1').orchestratorCpuMsPerNode,
          m('sqlite-1').orchestratorCpuMsPerNode,
        ),
      },
      twoServers: {
        nodeExecutionsPerSecond: ratio(
          m('postgresql-2').nodeExecutionsPerSecond,
          m('sqlite-2').nodeExecutionsPerSecond,
        ),
        orchestratorCpuMsPerNode: ratio(
          m('postgresql-2').orchestratorCpuMsPerNode,
          m('sqlite-2').orchestratorCpuMsPerNode,
        ),
      },
    },
    twoServersVsOne: {
      sqlite: {
        nodeExecutionsPerSecond: ratio(
          m('sqlite-2').nodeExecutionsPerSecond,
          m('sqlite-1').nodeExecutionsPerSecond,
        ),
        orchestratorCpuMsPerNode: ratio(
          m('sqlite-2').orchestratorCpuMsPerNode,
          m('sqlite-1').orchestratorCpuMsPerNode,
        ),
      },
      postgresql: {
        nodeExecutionsPerSecond: ratio(
          m('postgresql-2').nodeExecutionsPerSecond,
          m('postgresql-1').nodeExecutionsPerSecond,
        ),
        orchestratorCpuMsPerNode: ratio(
          m('postgresql-2').orchestratorCpuMsPerNode,
          m('postgresql-1').orchestratorCpuMsPerNode,
        ),
      },
    },
  };
  const path = writeResult('scale-out', 'node bin/run-ts.js bench/scale-out.ts', {
    runsPerMeasurement: RUNS,
    nodesPerRun: NODES,
    runsInFlight: RUNS_IN_FLIGHT,
    rounds: ROUNDS,
    workerProcessesPerSetup: 1,
    workerConcurrencyPerServer: WORKER_CONCURRENCY,
    redis: 'one redis-server; one Redis prefix per server',
    setups: results,
    ratios,
  });
  for (const [name, { median }] of Object.entries(results)) {
    console.log(
      `scale-out ${name}: ${median.nodeExecutionsPerSecond} node executions/s; CPU ms per node: orchestrator ` +
        `${median.orchestratorCpuMsPerNode}, worker ${median.workerCpuMsPerNode}, Redis ${median.redisCpuMsPerNode}, ` +
        `PostgreSQL ${median.postgresCpuMsPerNode}; ${median.nodesPerCommit} nodes/commit, commits ` +
        `${median.storeCommitMsPerNode} ms per node`,
    );
  }
  console.log(`→ ${path}`);
  const { oneServer } = ratios.postgresVsSqlite;
  console.log(
    `postgres_vs_sqlite ${oneServer.nodeExecutionsPerSecond.toFixed(2)} (orchestrator CPU/node ${oneServer.orchestratorCpuMsPerNode.toFixed(2)}×); ` +
      `two_servers_vs_one sqlite ${ratios.twoServersVsOne.sqlite.nodeExecutionsPerSecond.toFixed(2)}, ` +
      `postgresql ${ratios.twoServersVsOne.postgresql.nodeExecutionsPerSecond.toFixed(2)}`,
  );
} finally {
  for (const setup of setups) {
    for (const orchestrator of setup.orchestrators) await orchestrator.close();
    await setup.worker.stop();
  }
  await closeRedis(admin);
  await redis.close();
  await postgres.close();
  rmSync(dir, { recursive: true, force: true });
}

/** `total` runs split evenly between the setup's servers, RUNS_IN_FLIGHT in flight in all. */
async function runSetup({ orchestrators }: Setup, total: number): Promise<void> {
  const n = orchestrators.length;
  await Promise.all(
    orchestrators.map((orchestrator, i) =>
      orchestrator.runMany(
        Math.floor(total / n) + (i < total % n ? 1 : 0),
        Math.floor(RUNS_IN_FLIGHT / n) + (i < RUNS_IN_FLIGHT % n ? 1 : 0),
      ),
    ),
  );
}

async function measureSetup(setup: Setup) {
  for (const orchestrator of setup.orchestrators) orchestrator.resetTiming();
  const probes = { redis: admin, workers: [setup.worker], postgresDir: postgres.dir };
  const m = await measure(probes, () => runSetup(setup, RUNS));
  const executions = RUNS * NODES;
  const commits = setup.orchestrators.reduce((sum, o) => sum + o.timing.commits, 0);
  const commitMs = setup.orchestrators.reduce((sum, o) => sum + o.timing.commitMs, 0);
  return {
    nodeExecutionsPerSecond: Math.round(executions / (m.elapsedMs / 1000)),
    orchestratorCpuMsPerNode: perUnit(m.thisCpuMs, executions),
    workerCpuMsPerNode: perUnit(m.workerCpuMs, executions),
    redisCpuMsPerNode: perUnit(m.redisCpuMs, executions),
    postgresCpuMsPerNode: perUnit(m.postgresCpuMs, executions),
    redisCommandsPerNode: perUnit(m.redisCommands, executions, 2),
    nodesPerCommit: perUnit(executions, commits, 2),
    storeCommitMsPerNode: perUnit(commitMs, executions),
  };
}
