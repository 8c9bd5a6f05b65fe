// bench/sql-fairness: does one run sending runaway SQL starve another user's question? On one
// sandbox pool of 2 children (+1 spare), a light user asks QUESTIONS questions one after another,
// each 8 candidates (3 distinct aggregate queries, as sampling repeats itself) run the way
// sql.execute runs them (one owner per run, node defaults); first alone, then while a hostile
// user keeps sending runs of 8 distinct runaway queries back to back (each run a new owner, each
// query stopped at TIMEOUT_MS). Reports the light user's p50/p95 question latency in both phases
// and their ratio (target <= 2).
//   node bin/run-ts.js bench/sql-fairness.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { executeCandidates } from '../nodes/sql/execute-candidates.ts';
import { SqlSandboxPool } from '../nodes/sql/sandbox/sql-sandbox-pool.ts';
import type { Candidate } from '../nodes/types.ts';
import { writeResult } from './support/results.ts';

const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 40);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 4000);
const ORDERS = 50_000;
/** sql.execute's defaults, but for the timeout. */
const LIMITS = { timeoutMs: TIMEOUT_MS, maxRows: 1000, maxBytes: 256 * 1024 };

const LIGHT_SQL = [
  'SELECT customer, sum(amount) FROM orders GROUP BY customer ORDER BY 2 DESC LIMIT 5',
  'SELECT customer, total(amount) AS t FROM orders GROUP BY customer ORDER BY t DESC LIMIT 5',
  'SELECT region, count(*) FROM orders GROUP BY region',
];
const RUNAWAY = 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n';

function candidates(sqls: readonly string[]): Candidate[] {
  return sqls.map((sql, index) => ({ index, sql, reasoning: '', text: sql, finishReason: 'stop' }));
}

const lightQuestion = candidates([0, 1, 0, 2, 0, 1, 0, 0].map((i) => LIGHT_SQL[i] as string));
const hostileRun = candidates(Array.from({ length: 8 }, (_, i) => `${RUNAWAY} -- runaway ${i}`));

function buildWarehouse(dir: string): string {
  const path = join(dir, 'orders.sqlite');
  const db = new Database(path);
  db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, region TEXT, amount REAL)');
  const insert = db.prepare('INSERT INTO orders (customer, region, amount) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ORDERS; i++) insert.run(`c${i % 5000}`, `r${i % 7}`, (i * 37) % 1000);
  })();
  db.close();
  return path;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

let runs = 0;
async function askQuestions(pool: SqlSandboxPool, database: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let q = 0; q < QUESTIONS; q++) {
    const started = performance.now();
    const owner = `light-${++runs}`;
    const executed = await executeCandidates(pool, database, lightQuestion, { ...LIMITS, owner });
    if (executed.some((c) => c.status !== 'ok')) {
      throw new Error(`a light question failed: ${JSON.stringify(executed.map((c) => c.error))}`);
    }
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-fairness-'));
const pool = new SqlSandboxPool({ size: 2, spares: 1 });
try {
  const database = buildWarehouse(dir);
  await pool.whenReady();
  await askQuestions(pool, database); // warm the children's page cache and connections
  const alone = await askQuestions(pool, database);

  let hostileRunsStarted = 0;
  let stop = false;
  const hostile = (async () => {
    while (!stop) {
      hostileRunsStarted++;
      await executeCandidates(pool, database, hostileRun, { ...LIMITS, owner: `hostile-${++runs}` });
    }
  })();
  const contended = await askQuestions(pool, database);
  stop = true;
  await hostile;

  const round = (ms: number) => Math.round(ms);
  const result = {
    poolSize: pool.options.size,
    spares: pool.options.spares,
    maxPerOwner: pool.options.maxPerOwner,
    questions: QUESTIONS,
    candidatesPerQuestion: lightQuestion.length,
    runawayTimeoutMs: TIMEOUT_MS,
    hostileRunsStarted,
    aloneMs: { p50: round(percentile(alone, 0.5)), p95: round(percentile(alone, 0.95)) },
    contendedMs: { p50: round(percentile(contended, 0.5)), p95: round(percentile(contended, 0.95)) },
    p95Ratio: Number((percentile(contended, 0.95) / percentile(alone, 0.95)).toFixed(2)),
    target: 'p95Ratio <= 2',
  };
  const path = writeResult('sql-fairness', 'node bin/run-ts.js bench/sql-fairness.ts', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote ${path}\n`);
  process.stdout.write(
    `light p95 ${result.aloneMs.p95} ms alone, ${result.contendedMs.p95} ms beside runaways: ${result.p95Ratio}x\n`,
  );
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}
