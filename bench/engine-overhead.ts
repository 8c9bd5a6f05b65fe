// bench/engine-overhead: 1,000 runs of a 10-node linear flow of no-op nodes through the inline
// transport with persistence on (SQLite file, WAL), 8 runs at a time. Reports node executions per
// second and where the time goes: store commits vs everything else (scheduler, state machine,
// transport, node calls).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowDocumentSchema } from '../engine/flow-schema.ts';
import { Orchestrator } from '../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../engine/store/sqlite-store.ts';
import { InlineTransport } from '../engine/transports/inline-transport.ts';
import { createNodeRegistry } from '../nodes/index.ts';
import { linearNoopFlow, noopNode } from './support/noop-node.ts';
import { writeResult } from './support/results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const NODES = 10;
const CONCURRENCY = 8;

const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-'));
const store = new SqliteStore(join(dir, 'bench.db'));
let commitMs = 0;
let commits = 0;
const commit = store.commit.bind(store);
store.commit = async (changes, options) => {
  const started = performance.now();
  try {
    return await commit(changes, options);
  } finally {
    commitMs += performance.now() - started;
    commits++;
  }
};
const registry = createNodeRegistry([noopNode]);
const transport = new InlineTransport({ registry });
const orchestrator = new Orchestrator({ store, transport, registry });
await orchestrator.start();
const saved = await store.saveFlow(FlowDocumentSchema.parse(linearNoopFlow('bench', NODES)));

async function runOne(): Promise<void> {
  const run = await orchestrator.startRun({ flowId: saved.flowId, version: saved.version });
  const { run: done } = await orchestrator.waitForRun(run.id);
  if (done.status !== 'succeeded') throw new Error(`run ${run.id} ${done.status}`);
}

// Warm-up (JIT, prepared statements), not measured.
await Promise.all(Array.from({ length: CONCURRENCY }, runOne));
commitMs = 0;
commits = 0;

const cpuBefore = process.cpuUsage();
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < RUNS) {
      next++;
      await runOne();
    }
  }),
);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const executions = RUNS * NODES;
const nodesPerSecond = executions / (elapsedMs / 1000);
const result = {
  runs: RUNS,
  nodesPerRun: NODES,
  concurrency: CONCURRENCY,
  nodeExecutions: executions,
  elapsedMs: Math.round(elapsedMs),
  nodeExecutionsPerSecond: Math.round(nodesPerSecond),
  wallMsPerNode: Number((elapsedMs / executions).toFixed(4)),
  cpuMsPerNode: Number(((cpu.user + cpu.system) / 1000 / executions).toFixed(4)),
  storeCommits: commits,
  storeCommitMsTotal: Math.round(commitMs),
  storeCommitShare: Number((commitMs / elapsedMs).toFixed(3)),
  nodesPerCommit: Number((executions / commits).toFixed(2)),
  target: { nodeExecutionsPerSecond: 2000 },
  meetsTarget: nodesPerSecond >= 2000,
};
const path = writeResult('engine-overhead', 'node bin/run-ts.js bench/engine-overhead.ts', result);
await orchestrator.close();
await transport.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `engine-overhead: ${result.nodeExecutionsPerSecond} node executions/s (${result.wallMsPerNode} ms/node wall, ${result.cpuMsPerNode} ms/node CPU, store commits ${Math.round(result.storeCommitShare * 100)}% of wall) → ${path}`,
);
console.log(`ratio_vs_target ${(nodesPerSecond / 2000).toFixed(2)}`);
