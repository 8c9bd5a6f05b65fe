// bench/batching: what the batching worker does for GPU throughput. 256 Spider questions, n = 8
// samples each, SQL-R1-like lengths (prompt ~1,000 tokens, answer ~400), against sim-llm with the
// measured H100 cost model (datasets/gpu-profiles/h100-qwen2.5-coder-7b.json), asked
//   (a) one question at a time;
//   (b) unbatched: each question its own request on arrival, to a `static` server (HF generate);
//   (c) through the queue transport to a batching worker (up to 64 sequences a batch);
// at a steady rate of 1.5x the cost model's ideal throughput (so the server is saturated), then
// (b) and (c) again against a `continuous` server (vLLM-like), and (a) versus (c) at low load (one
// question at a time). Times are simulated seconds (sim-llm divides every delay by `speed`);
// latencies are also given in wall ms, the unit of maxWaitMs.
//   node bin/run-ts.js bench/batching.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSettings } from '../engine/host-settings.ts';
import { silentLogger } from '../engine/node-context.ts';
import { ResourcePool } from '../engine/resources.ts';
import { createNodeRegistry } from '../nodes/index.ts';
import { batchSeconds, loadCostModel } from '../sim-llm/cost-model.ts';
import type { SimLlmServer } from '../sim-llm/start-sim-llm.ts';
import { startSimLlm } from '../sim-llm/start-sim-llm.ts';
import { GPU_PROFILE, SPIDER_DEV_DIR } from '../tests/support/datasets.ts';
import { startRedisServer } from '../tests/support/redis-server.ts';
import { createQueueTransport } from '../workers/queue-transport.ts';
import { startQueueWorker } from '../workers/start-worker.ts';
import type { RunOutcome } from './support/batching-runs.ts';
import { askAtSteadyRate, askOneAtATime, executeDirectly, executeThrough } from './support/batching-runs.ts';
import { buildBatchingWorkload } from './support/batching-workload.ts';
import { repoPath, writeResult } from './support/results.ts';

const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 256);
const LOW_LOAD_QUESTIONS = 16;
const SAMPLES = 8;
const MAX_BATCH_SEQUENCES = 64;
const SPEED = Number(process.env.BENCH_SPEED ?? 200);
const OVERLOAD = 1.5;
const BATCHING = { maxBatchSize: MAX_BATCH_SEQUENCES, maxWaitMs: 20, maxInFlightBatches: 2 };

const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-batching-'));
const workload = buildBatchingWorkload({
  datasetDir: SPIDER_DEV_DIR,
  dir,
  questions: QUESTIONS,
  samples: SAMPLES,
  promptTokens: 1000,
  responseTokens: 400,
});
const idealSeconds = batchSeconds(
  loadCostModel(GPU_PROFILE),
  MAX_BATCH_SEQUENCES,
  workload.promptTokens,
  workload.responseTokens,
);
const ideal = {
  batchSequences: MAX_BATCH_SEQUENCES,
  batchSeconds: Number(idealSeconds.toFixed(3)),
  questionsPerSecond: MAX_BATCH_SEQUENCES / SAMPLES / idealSeconds,
  tokensPerSecond: (MAX_BATCH_SEQUENCES * workload.responseTokens) / idealSeconds,
};
const arrivalIntervalMs = 1000 / (ideal.questionsPerSecond * SPEED * OVERLOAD);

const redis = await startRedisServer();
const servers: SimLlmServer[] = [];
const simServer = async (mode: 'static' | 'continuous') => {
  const server = await startSimLlm({
    replayPath: workload.replayPath,
    profilePath: GPU_PROFILE,
    mode,
    speed: SPEED,
    maxBatchSequences: MAX_BATCH_SEQUENCES,
  });
  servers.push(server);
  return server;
};
const resources = new ResourcePool();
const registry = createNodeRegistry();
const direct = executeDirectly({ registry, resources, settings: environmentSettings, logger: silentLogger });
const transport = createQueueTransport({ redisUrl: redis.url, prefix: 'bench-batching' });
const worker = await startQueueWorker({
  redisUrl: redis.url,
  prefix: 'bench-batching',
  lanes: ['llm'],
  registry,
  resources,
  batching: BATCHING,
});
const viaWorker = executeThrough(transport);

/** A phase's throughput and latencies in simulated time, with the server's and the worker's batch sizes. */
async function phase(
  server: SimLlmServer,
  label: string,
  ask: (jobs: ReturnType<typeof workload.jobsFor>) => Promise<RunOutcome>,
) {
  const serverBefore = server.metrics();
  const workerBefore = worker.report().batches;
  const outcome = await ask(workload.jobsFor(server.url, label));
  if (outcome.failures > 0)
    throw new Error(`${label}: ${outcome.failures} questions failed, e.g. ${outcome.firstError}`);
  const serverAfter = server.metrics();
  const workerAfter = worker.report().batches;
  const simulatedSeconds = (outcome.elapsedMs / 1000) * SPEED;
  const sorted = [...outcome.latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const workerBatches = workerAfter.count - workerBefore.count;
  return {
    questions: outcome.questions,
    questionsPerSecond: round(outcome.questions / simulatedSeconds, 4),
    tokensPerSecond: round((outcome.questions * SAMPLES * workload.responseTokens) / simulatedSeconds, 1),
    latencySeconds: { p50: round((at(0.5) / 1000) * SPEED, 2), p95: round((at(0.95) / 1000) * SPEED, 2) },
    latencyWallMs: {
      mean: round(outcome.latenciesMs.reduce((sum, ms) => sum + ms, 0) / outcome.questions, 1),
      p50: round(at(0.5), 1),
      p95: round(at(0.95), 1),
    },
    serverRequests: serverAfter.generationRequests - serverBefore.generationRequests,
    serverMeanSequencesPerBatch: round(
      (serverAfter.sequences - serverBefore.sequences) /
        Math.max(1, serverAfter.batches - serverBefore.batches),
      2,
    ),
    ...(workerBatches > 0
      ? { workerMeanBatchSequences: round((workerAfter.weight - workerBefore.weight) / workerBatches, 2) }
      : {}),
    wallSeconds: round(outcome.elapsedMs / 1000, 2),
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

try {
  const staticServer = await simServer('static');
  const continuousServer = await simServer('continuous');
  // Warm-up, not measured: connections, JIT, the worker's first batch.
  await askOneAtATime(workload.jobsFor(staticServer.url, 'warm-direct').slice(0, 2), direct);
  await askOneAtATime(workload.jobsFor(staticServer.url, 'warm-queue').slice(0, 2), viaWorker);

  const serial = await phase(staticServer, 'serial', (jobs) => askOneAtATime(jobs, direct));
  const steady = (execute: typeof direct) => (jobs: ReturnType<typeof workload.jobsFor>) =>
    askAtSteadyRate(jobs, arrivalIntervalMs, execute);
  const unbatchedStatic = await phase(staticServer, 'unbatched-static', steady(direct));
  const batchedStatic = await phase(staticServer, 'batched-static', steady(viaWorker));
  const unbatchedContinuous = await phase(continuousServer, 'unbatched-continuous', steady(direct));
  const batchedContinuous = await phase(continuousServer, 'batched-continuous', steady(viaWorker));
  const lowLoad = (execute: typeof direct) => (jobs: ReturnType<typeof workload.jobsFor>) =>
    askOneAtATime(jobs.slice(0, LOW_LOAD_QUESTIONS), execute);
  const lowLoadDirect = await phase(staticServer, 'low-direct', lowLoad(direct));
  const lowLoadWorker = await phase(staticServer, 'low-worker', lowLoad(viaWorker));
  const addedLatencyMs = round(lowLoadWorker.latencyWallMs.mean - lowLoadDirect.latencyWallMs.mean, 1);

  const ratioVsSerial = batchedStatic.questionsPerSecond / serial.questionsPerSecond;
  const ratioVsIdeal = batchedStatic.questionsPerSecond / ideal.questionsPerSecond;
  const ratioVsContinuous = batchedContinuous.questionsPerSecond / unbatchedContinuous.questionsPerSecond;
  const path = writeResult('batching', 'node bin/run-ts.js bench/batching.ts', {
    questions: QUESTIONS,
    samplesPerQuestion: SAMPLES,
    promptTokens: workload.promptTokens,
    responseTokens: workload.responseTokens,
    gpuProfile: repoPath(GPU_PROFILE),
    speed: SPEED,
    arrivalsPerSecond: round(ideal.questionsPerSecond * OVERLOAD, 4),
    batching: BATCHING,
    ideal: {
      ...ideal,
      questionsPerSecond: round(ideal.questionsPerSecond, 4),
      tokensPerSecond: round(ideal.tokensPerSecond, 1),
    },
    serial,
    unbatchedStatic,
    batchedStatic,
    unbatchedContinuous,
    batchedContinuous,
    lowLoad: { direct: lowLoadDirect, worker: lowLoadWorker, addedLatencyMs, maxWaitMs: BATCHING.maxWaitMs },
    ratio_vs_serial: round(ratioVsSerial, 3),
    ratio_vs_ideal: round(ratioVsIdeal, 3),
    ratio_vs_unbatched_continuous: round(ratioVsContinuous, 3),
    targets: {
      ratio_vs_serial: 5,
      ratio_vs_ideal: 0.8,
      ratio_vs_unbatched_continuous: 0.95,
      addedLatencyMs: BATCHING.maxWaitMs,
    },
    meetsTargets:
      ratioVsSerial >= 5 &&
      ratioVsIdeal >= 0.8 &&
      ratioVsContinuous >= 0.95 &&
      addedLatencyMs <= BATCHING.maxWaitMs,
  });
  console.log(
    `batching: (a) one at a time ${serial.questionsPerSecond} q/s; (b) unbatched on static ${unbatchedStatic.questionsPerSecond} q/s; ` +
      `(c) batching worker ${batchedStatic.questionsPerSecond} q/s = ${batchedStatic.tokensPerSecond} tok/s ` +
      `(mean batch ${batchedStatic.serverMeanSequencesPerBatch} seqs, p50/p95 ${batchedStatic.latencySeconds.p50}/${batchedStatic.latencySeconds.p95} s) ` +
      `vs ideal ${round(ideal.tokensPerSecond, 0)} tok/s; continuous server: unbatched ${unbatchedContinuous.questionsPerSecond}, ` +
      `worker ${batchedContinuous.questionsPerSecond} q/s; low load adds ${addedLatencyMs} ms → ${path}`,
  );
  console.log(
    `ratio_vs_serial ${ratioVsSerial.toFixed(2)} ratio_vs_ideal ${ratioVsIdeal.toFixed(2)} ratio_vs_unbatched_continuous ${ratioVsContinuous.toFixed(2)}`,
  );
} finally {
  await transport.close();
  await worker.close();
  await resources.disposeAll();
  await Promise.all(servers.map((server) => server.close()));
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
