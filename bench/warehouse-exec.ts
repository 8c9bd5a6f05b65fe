// bench/warehouse-exec: what the PostgreSQL executor's safety costs. The same distinct candidate
// queries (Spider-like lookups and aggregates over a 50,000-row table) run ROUNDS times two ways,
// alternating round by round so both see the same machine: through executeCandidates and the
// executor (pooled connection, BEGIN READ ONLY + timeouts, the function check, a portal read with row
// and byte caps, cells parsed for the vote, ROLLBACK), and straight through a pg.Pool of the same
// size (one round trip each, pg's own parsers). Each round is two runs asking at once, 8 distinct
// candidates each, so the executor's per-run share (7 of 8 connections) does not idle a connection.
// Reports candidates per second both ways and their ratio (target >= 0.8).
//   node bin/run-ts.js bench/warehouse-exec.ts
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { executeCandidates } from '../nodes/sql/execute-candidates.ts';
import { PostgresExecutor } from '../nodes/sql/postgres/postgres-executor.ts';
import { connectionDatabase } from '../nodes/sql/warehouse-executor.ts';
import type { Candidate } from '../nodes/types.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';
import { writeResult } from './support/results.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const POOL_SIZE = 8;
const RUNS_AT_ONCE = 2;
const ORDERS = 50_000;
/** sql.execute's defaults. */
const LIMITS = { timeoutMs: 10_000, maxRows: 1000, maxBytes: 256 * 1024 };

const QUERIES = [
  'SELECT count(*) FROM orders',
  'SELECT region, count(*) FROM orders GROUP BY region ORDER BY region',
  'SELECT customer, sum(amount) FROM orders GROUP BY customer ORDER BY 2 DESC LIMIT 5',
  "SELECT id, amount, placed FROM orders WHERE customer = 'c42' ORDER BY id",
  'SELECT avg(amount)::numeric(10,2) FROM orders WHERE region = $$r3$$',
  'SELECT * FROM orders WHERE id = 31337',
  'SELECT region, max(placed), min(amount) FROM orders GROUP BY region',
  'SELECT count(DISTINCT customer) FROM orders WHERE amount > 500',
];

function candidates(run: number): Candidate[] {
  // A comment makes each run's texts distinct, as two runs' samples would be.
  return QUERIES.map((sql, index) => ({
    index,
    sql: `${sql} -- run ${run}`,
    reasoning: '',
    text: sql,
    finishReason: 'stop',
  }));
}

const server = await startPostgresServer();
const url = await server.createDatabase('bench');
await server.query(
  `CREATE TABLE orders (id int PRIMARY KEY, customer text, region text, amount numeric(10,2), placed date);
   INSERT INTO orders SELECT i, 'c' || (i % 5000), 'r' || (i % 7), (i * 37) % 1000, DATE '2024-01-01' + (i % 365)
   FROM generate_series(1, ${ORDERS}) i;
   CREATE INDEX ON orders (customer); ANALYZE orders;`,
  [],
  'bench',
);
const connection = { name: 'bench', kind: 'postgres' as const, url };
const executor = new PostgresExecutor({ poolSize: POOL_SIZE });
const direct = new pg.Pool({ connectionString: url, max: POOL_SIZE });
let run = 0;

async function viaExecutor(): Promise<number> {
  const runs = Array.from({ length: RUNS_AT_ONCE }, () => ++run);
  const results = await Promise.all(
    runs.map((owner) =>
      executeCandidates(executor.forConnection(connection), connectionDatabase('bench'), candidates(owner), {
        ...LIMITS,
        owner: `run-${owner}`,
      }),
    ),
  );
  const failed = results.flat().find((candidate) => candidate.status !== 'ok');
  if (failed) throw new Error(`a candidate failed: ${JSON.stringify(failed.error)}`);
  return results.flat().length;
}

async function straight(): Promise<number> {
  const runs = Array.from({ length: RUNS_AT_ONCE }, () => ++run);
  const results = await Promise.all(
    runs.flatMap((owner) =>
      candidates(owner).map((candidate) => direct.query({ text: candidate.sql as string, rowMode: 'array' })),
    ),
  );
  return results.length;
}

try {
  for (let i = 0; i < 5; i++) {
    await viaExecutor(); // warm connections, plans and the JIT on both paths
    await straight();
  }
  const time = { executor: 0, direct: 0 };
  const count = { executor: 0, direct: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    for (const [path, go] of i % 2 === 0
      ? ([
          ['executor', viaExecutor],
          ['direct', straight],
        ] as const)
      : ([
          ['direct', straight],
          ['executor', viaExecutor],
        ] as const)) {
      const started = performance.now();
      count[path] += await go();
      time[path] += performance.now() - started;
    }
  }
  const perSecond = (path: 'executor' | 'direct') => Math.round((count[path] / time[path]) * 1000);
  const result = {
    rounds: ROUNDS,
    poolSize: POOL_SIZE,
    runsAtOnce: RUNS_AT_ONCE,
    distinctCandidatesPerRun: QUERIES.length,
    tableRows: ORDERS,
    candidatesPerSecond: { executor: perSecond('executor'), direct: perSecond('direct') },
    ratio: Number((perSecond('executor') / perSecond('direct')).toFixed(2)),
    target: 'ratio >= 0.8',
  };
  const path = writeResult('warehouse-exec', 'node bin/run-ts.js bench/warehouse-exec.ts', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote ${path}\n`);
  process.stdout.write(
    `${result.candidatesPerSecond.executor} candidates/s through the executor, ${result.candidatesPerSecond.direct} straight through pg: ${result.ratio}x\n`,
  );
} finally {
  await executor.close();
  await direct.end();
  await server.close();
}
