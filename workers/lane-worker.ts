// One lane of a worker process: a BullMQ Worker on the lane's queue whose processor runs the node
// job (executeJob, or the batch runner for runBatch nodes) and posts the result to the results
// stream. The processor awaits its own job's result even when the job waits in a batch, so
// BullMQ keeps renewing the job's lock for free (a getNextJob loop would have to extend locks
// itself) and a crash mid-batch leaves every job of the batch to the stalled check.
import type { Job } from 'bullmq';
import { DelayedError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Lane, NodeProgress } from '../engine/define-node.ts';
import { R1flowError, serializeError } from '../engine/errors.ts';
import type { ExecutionHost } from '../engine/execute-job.ts';
import { executeJob, failedResult } from '../engine/execute-job.ts';
import type { JobResult, NodeJob } from '../engine/transport.ts';
import type { BatchRunner } from './batch-runner.ts';
import { createBatchRunner } from './batch-runner.ts';
import { createConcurrencyGate } from './concurrency-gate.ts';
import { claimJob, finishJob, releaseClaim } from './job-claims.ts';
import { encodeWithinCap, parseNodeJob } from './job-payload.ts';
import { nodeQueueName } from './queue-keys.ts';
import type { CompiledQueueWorkerOptions } from './queue-worker-options.ts';
import { postResult } from './results-stream.ts';
import type { WorkerStats } from './worker-stats.ts';

/** What the processor's race resolves to when shutdown hands the job back to the queue. */
export const HANDED_BACK = Symbol('handed back');

export interface LaneWorkerContext {
  workerId: string;
  config: CompiledQueueWorkerOptions;
  host: ExecutionHost;
  /** For BullMQ (it duplicates it for its blocking reads). */
  bullConnection: Redis;
  /** Auto-pipelined: results and progress of one turn share a round trip. */
  results: Redis;
  /** Abort controllers of running jobs, by job id, for cancel messages (and claim refreshes). */
  controllers: Map<string, AbortController>;
  /** Lifetime of a job claim (job-claims.ts); start-worker refreshes them well within it. */
  claimTtlMs: number;
  stats: WorkerStats;
  /** Resolves when shutdown gives up waiting and hands running jobs back. */
  handedBack: Promise<typeof HANDED_BACK>;
}

export interface LaneWorker {
  worker: Worker;
  batches: BatchRunner;
}

export function startLaneWorker(lane: Lane, context: LaneWorkerContext): LaneWorker {
  const { config, host, results, controllers, stats } = context;
  const { keys, logger } = config;
  const onProgress = (job: NodeJob, progress: NodeProgress) => {
    const event = { jobId: job.jobId, runId: job.runId, nodeId: job.nodeId, attempt: job.attempt, progress };
    results.publish(keys.progress, JSON.stringify(event)).catch(() => {}); // progress is lossy by design
  };
  const batches = createBatchRunner(host, {
    ...config.batching,
    onProgress,
    onBatch: (jobs, weight) => stats.recordBatch(jobs, weight),
  });
  const gate = createConcurrencyGate(config.concurrency[lane]);
  const execute = (job: NodeJob, signal: AbortSignal): Promise<JobResult> =>
    host.registry.find(job.nodeKey)?.runBatch
      ? batches.run(job, signal)
      : gate.run(() => executeJob(job, host, { signal, onProgress }));

  const post = async (result: JobResult, job: NodeJob) => {
    const encoded = encodeWithinCap(
      result,
      config.maxPayloadBytes,
      `the result of node ${job.nodeId}`,
      'NODE_BAD_OUTPUT',
    );
    // An oversized result still brings back the SQL it ran, for the audit log.
    const json = encoded.ok
      ? encoded.json
      : JSON.stringify({ ...failedResult(job, result.startedAt, encoded.error), audit: result.audit });
    if (!(await finishJob(results, keys, result, json))) {
      logger.info(`dropped a second result of job ${result.jobId}: it had already finished`);
    }
  };

  const processor = async (bullJob: Job, token?: string): Promise<void> => {
    const parsed = parseNodeJob(bullJob.data);
    if (!parsed.ok) {
      const result = invalidJobResult(bullJob, lane, parsed.reason);
      await postResult(results, keys.results, result, JSON.stringify(result));
      return;
    }
    const job = parsed.job;
    // Handed out again while still running here (its BullMQ lock lapsed during a Redis outage).
    const claim = controllers.has(job.jobId)
      ? ({ state: 'held', holder: context.workerId } as const)
      : await claimJob(results, keys, job.jobId, context.workerId, context.claimTtlMs);
    if (claim.state === 'done') {
      logger.info(`job ${job.jobId} was delivered again after it had finished; not running it again`);
      return;
    }
    if (claim.state === 'held') {
      // Look again once the claim would have lapsed: by then its holder finished it or died.
      await bullJob.moveToDelayed(Date.now() + context.claimTtlMs, token);
      throw new DelayedError();
    }
    const controller = new AbortController();
    controllers.set(job.jobId, controller);
    // The engine's ctx.delivery: 2 and up when this dispatch (same attempt) ran before.
    const delivered: NodeJob & { delivery: number } = {
      ...job,
      delivery: claim.starts + (job.requeued ?? 0),
    };
    try {
      const outcome = await Promise.race([execute(delivered, controller.signal), context.handedBack]);
      if (outcome === HANDED_BACK) {
        controller.abort(new R1flowError('NODE_CANCELLED', 'the worker is shutting down'));
        await releaseClaim(results, keys, job.jobId);
        await bullJob.moveToWait(token);
        throw new WaitingError();
      }
      await post(outcome, job);
      stats.recordCompleted(lane);
    } finally {
      if (controllers.get(job.jobId) === controller) controllers.delete(job.jobId);
    }
  };

  const batched = host.registry.all().some((definition) => definition.lane === lane && definition.runBatch);
  const { maxBatchSize, maxInFlightBatches } = config.batching;
  const worker = new Worker(nodeQueueName(lane), processor, {
    connection: context.bullConnection,
    prefix: keys.prefix,
    name: context.workerId,
    // Batched jobs wait inside their processor for company: room for the running batches and the filling one.
    concurrency: config.concurrency[lane] + (batched ? maxBatchSize * (maxInFlightBatches + 1) : 0),
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    // A job whose worker died is run once more, then failed; the transport reports it as NODE_WORKER_LOST.
    maxStalledCount: 1,
  });
  worker.on('error', (error: Error & { code?: string }) => {
    if (error.code && CONNECTION_ERRORS.has(error.code)) return; // the connection reports each outage once
    if (LAPSED_LOCK.test(error.message)) {
      logger.info(
        `lane ${lane}: ${error.message} (its BullMQ lock lapsed while Redis was away; the job's claim and done marker keep it from running twice)`,
      );
    } else logger.warn(`lane ${lane}: ${error.message}`);
  });
  return { worker, batches };
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const LAPSED_LOCK = /missing lock|could not renew lock/i;

/** Data that is not a node job fails that job only; the transport fills in the identity it knows. */
function invalidJobResult(bullJob: Job, lane: Lane, reason: string): JobResult {
  const data = (typeof bullJob.data === 'object' && bullJob.data !== null ? bullJob.data : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : 'unknown');
  const attempt =
    Number.isInteger(data.attempt) && (data.attempt as number) >= 1 ? (data.attempt as number) : 1;
  const error = new R1flowError(
    'JOB_DATA_INVALID',
    `job ${bullJob.id} in queue ${nodeQueueName(lane)} is not a valid r1flow node job: ${reason}`,
  );
  const now = Date.now();
  return {
    jobId: bullJob.id ?? 'unknown',
    runId: text(data.runId),
    nodeId: text(data.nodeId),
    attempt,
    outcome: { ok: false, error: serializeError(error) },
    startedAt: now,
    finishedAt: now,
  };
}
