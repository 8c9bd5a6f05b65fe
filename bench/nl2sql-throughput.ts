// bench/nl2sql-throughput: questions per second of the whole NL2SQL flow (examples/flows/nl2sql.flow.json:
// retrieve → generate → execute → vote → answer) over sim-llm at zero model latency (no profile),
// n = 8, on the spider-dev databases, at concurrency 1 and 16. What is left is r1flow's own cost:
// engine, schema retrieval, the SQL sandbox and the vote. Where the time goes comes from the
// stored node_runs (mean ms per node type); the engine's share is run time not spent in a node.
// Target: the flow adds under 50 ms per question at concurrency 1 (the phase run as `r1flow eval
// --concurrency 1` runs it; a phase with the engine's default model-lane batching shows its cost).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../engine/store/sqlite-store.ts';
import { loadEvalDataset } from '../eval/runner/eval-dataset.ts';
import { DEFAULT_EVAL_FLOW, openFlowPredictor } from '../eval/runner/flow-predictor.ts';
import type { Predictor } from '../eval/runner/predictor.ts';
import { startSimLlm } from '../sim-llm/start-sim-llm.ts';
import { SPIDER_DEV_DIR } from '../tests/support/datasets.ts';
import { writeResult } from './support/results.ts';

const TARGET_MS_PER_QUESTION = 50;
const WARM_UP_QUESTIONS = 100;

const dataset = loadEvalDataset(SPIDER_DEV_DIR);
const questions = dataset.questions.slice(0, Number(process.env.BENCH_QUESTIONS ?? dataset.questions.length));
const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-nl2sql-'));
const dbPath = join(dir, 'bench.db');
const sim = await startSimLlm({ port: 0, replayPath: join(dataset.dir, 'replay-ensemble.jsonl') });

interface Phase {
  label: string;
  /** Runs in flight at once. */
  concurrency: number;
  elapsedMs: number;
  runIds: string[];
}

async function runPhase(predictor: Predictor, concurrency: number, asked: typeof questions) {
  const runIds: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < asked.length) {
        const prediction = await predictor.predict(asked[next++]!);
        // An abstaining vote is an answer; a failed run would make the numbers meaningless.
        if (!prediction.runId || (prediction.error && prediction.error.code !== 'ABSTAINED')) {
          throw new Error(`a run failed: ${JSON.stringify(prediction.error)}`);
        }
        runIds.push(prediction.runId);
      }
    }),
  );
  return { elapsedMs: performance.now() - started, runIds };
}

/**
 * Phases on one predictor (the eval's engine set up for `setupConcurrency` runs in flight). The
 * warm-up, not measured, asks one question per database (building its schema index) and then
 * enough more that this process and the SQL sandbox's children have warmed their JIT.
 */
async function measure(phases: { label: string; concurrency: number }[]) {
  const predictor = await openFlowPredictor({
    flowPath: DEFAULT_EVAL_FLOW,
    databasesDir: dataset.databasesDir,
    llmUrl: sim.url,
    storeLocation: dbPath,
    datasetName: 'spider-dev',
  });
  try {
    await runPhase(predictor, 4, [...new Map(questions.map((q) => [q.db_id, q])).values()]);
    await runPhase(predictor, 4, questions.slice(0, WARM_UP_QUESTIONS));
    const measured: Phase[] = [];
    for (const phase of phases)
      measured.push({ ...phase, ...(await runPhase(predictor, phase.concurrency, questions)) });
    return measured;
  } finally {
    await predictor.close();
  }
}

const phases = await measure([
  { label: 'concurrency 1', concurrency: 1 },
  { label: 'concurrency 16', concurrency: 16 },
]);
await sim.close();

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Mean of the values, two decimals. */
function mean(values: readonly number[]): number {
  return round(values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1));
}

/**
 * Per phase, from the stored runs: throughput; per node type the mean time in the node and from
 * queued to started (the dispatching tick's commit, the lane's queue, the micro-batch wait). In
 * this linear flow a run's time outside its nodes is the engine's share.
 */
async function describePhase(store: SqliteStore, phase: Phase) {
  const runMs = new Map<string, number[]>();
  const queuedMs = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => {
    const values = map.get(key) ?? [];
    values.push(value);
    map.set(key, values);
  };
  let totalRunMs = 0;
  let inNodesMs = 0;
  let succeeded = 0;
  for (const runId of phase.runIds) {
    const stored = await store.getRun(runId);
    if (!stored) throw new Error(`run ${runId} is not in the store`);
    if (stored.run.status === 'succeeded') succeeded += 1;
    totalRunMs += (stored.run.finishedAt ?? 0) - (stored.run.startedAt ?? 0);
    for (const node of stored.nodes) {
      push(runMs, node.nodeKey, node.durationMs ?? 0);
      push(queuedMs, node.nodeKey, (node.startedAt ?? 0) - (node.queuedAt ?? node.startedAt ?? 0));
      inNodesMs += node.durationMs ?? 0;
    }
  }
  const count = phase.runIds.length;
  const perNode = (map: Map<string, number[]>) =>
    Object.fromEntries([...map].map(([key, values]) => [key, mean(values)]));
  return {
    label: phase.label,
    concurrency: phase.concurrency,
    questions: count,
    succeeded,
    elapsedMs: Math.round(phase.elapsedMs),
    questionsPerSecond: round(count / (phase.elapsedMs / 1000)),
    wallMsPerQuestion: round(phase.elapsedMs / count),
    meanRunMs: round(totalRunMs / count),
    meanMsPerNode: perNode(runMs),
    meanQueuedToStartMsPerNode: perNode(queuedMs),
    engineMsPerRun: round((totalRunMs - inNodesMs) / count),
    engineShareOfRun: round((totalRunMs - inNodesMs) / totalRunMs, 3),
  };
}

const store = new SqliteStore(dbPath);
const results = [];
for (const phase of phases) results.push(await describePhase(store, phase));
await store.close();
rmSync(dir, { recursive: true, force: true });

const serial = results[0]!;
const result = {
  dataset: 'spider-dev',
  questions: questions.length,
  samplesPerQuestion: 8,
  model: 'sim-llm replaying replay-ensemble.jsonl, no profile (zero model latency)',
  phases: results,
  target: { flowMsPerQuestionAtConcurrency1: TARGET_MS_PER_QUESTION },
  meetsTarget: serial.wallMsPerQuestion < TARGET_MS_PER_QUESTION,
};
const path = writeResult('nl2sql-throughput', 'node bin/run-ts.js bench/nl2sql-throughput.ts', result);
for (const phase of results) {
  const nodes = Object.entries(phase.meanMsPerNode)
    .map(([key, ms]) => `${key.split('@')[0]} ${ms} (+${phase.meanQueuedToStartMsPerNode[key]} queued)`)
    .join(', ');
  console.log(
    `nl2sql-throughput ${phase.label}: ${phase.questionsPerSecond} questions/s, ${phase.wallMsPerQuestion} ms/question wall; mean ms per node: ${nodes}; engine ${phase.engineMsPerRun} ms/run (${Math.round(phase.engineShareOfRun * 100)}% of run time)`,
  );
}
console.log(`results → ${path}`);
console.log(`ms_per_question_at_concurrency_1 ${serial.wallMsPerQuestion}`);
