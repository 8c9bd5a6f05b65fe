// Queue mode, the worker's side: runs node jobs of the given lanes from Redis, posts their results,
// stops a running job when the orchestrator cancels it, and reports what it does for `r1flow
// queues`. Any number of workers on any number of hosts may serve the same lanes.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ExecutionHost } from '../engine/execute-job.ts';
import { refreshClaims } from './job-claims.ts';
import type { LaneWorker } from './lane-worker.ts';
import { HANDED_BACK, startLaneWorker } from './lane-worker.ts';
import type { QueueWorkerOptions } from './queue-worker-options.ts';
import { compileQueueWorkerOptions } from './queue-worker-options.ts';
import { closeRedis, openRedis, redactRedisUrl, settleWithin, waitForRedis } from './redis-connection.ts';
import type { WorkerReport } from './worker-stats.ts';
import { publishWorkerReports, WorkerStats } from './worker-stats.ts';

/** Time beyond the grace period for handing running jobs back and closing BullMQ's connections. */
const HAND_BACK_MS = 2000;

export interface QueueWorker {
  readonly id: string;
  /** The startup health line: lanes, concurrency, batching, Redis, node types. */
  readonly description: string;
  report(): WorkerReport;
  /**
   * Stops taking jobs and lets running ones finish; after `graceMs` (default `shutdownGraceMs`)
   * hands the rest back to their queues (another worker runs them), then disconnects.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Connects (waiting up to `connectTimeoutMs` for Redis, else REDIS_UNREACHABLE) and starts taking jobs. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const config = compileQueueWorkerOptions(options);
  const { redisUrl, keys, logger, registry } = config;
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const controllers = new Map<string, AbortController>();
  // Shorter than BullMQ's lock, so a dead worker's claims lapse before its jobs are handed out again.
  const claimTtlMs = Math.max(Math.floor(config.lockDurationMs / 2), 200);
  const refresh = () => void refreshClaims(results, keys, controllers.keys(), id, claimTtlMs).catch(() => {}); // retried next tick
  // After a reconnect at once: Redis may have restarted without the claims.
  const results = openRedis(redisUrl, 'worker-results', logger, { autoPipelining: true, onReady: refresh });
  try {
    await waitForRedis(results, redisUrl, config.connectTimeoutMs);
  } catch (error) {
    results.disconnect();
    throw error;
  }
  const subscriber = openRedis(redisUrl, 'worker-cancel', logger);
  const bullConnection = openRedis(redisUrl, 'worker-jobs', logger);
  const claimTimer = setInterval(refresh, claimTtlMs / 4).unref();
  subscriber.on('message', (_channel: string, jobId: string) => controllers.get(jobId)?.abort());
  await subscriber.subscribe(keys.cancel);

  const host: ExecutionHost = { registry, resources: config.resources, settings: config.settings, logger };
  const stats = new WorkerStats({
    id,
    lanes: config.lanes,
    concurrency: Math.max(...config.lanes.map((lane) => config.concurrency[lane])),
    nodeTypes: registry.all().length,
  });
  let handBack: (value: typeof HANDED_BACK) => void = () => {};
  const handedBack = new Promise<typeof HANDED_BACK>((resolve) => {
    handBack = resolve;
  });
  const lanes: LaneWorker[] = config.lanes.map((lane) =>
    startLaneWorker(lane, {
      workerId: id,
      config,
      host,
      bullConnection,
      results,
      controllers,
      claimTtlMs,
      stats,
      handedBack,
    }),
  );
  const inFlightBatches = () => lanes.reduce((sum, lane) => sum + lane.batches.inFlightBatches(), 0);
  const reports = publishWorkerReports(results, keys.workers, () => stats.report(inFlightBatches()));
  const description = describeWorker(id, options, config);
  logger.info(description);

  let closing: Promise<void> | undefined;
  return {
    id,
    description,
    report: () => stats.report(inFlightBatches()),
    close({ graceMs = config.shutdownGraceMs } = {}) {
      closing ??= (async () => {
        logger.info(`worker ${id} stopping: finishing running jobs (up to ${graceMs} ms)`);
        const grace = setTimeout(() => {
          if (controllers.size > 0)
            logger.warn(`worker ${id}: handing jobs still running back to their queues`);
          handBack(HANDED_BACK);
        }, graceMs);
        // BullMQ cannot close while its connection reconnects (it waits forever): let Redis come back first.
        await waitForRedis(bullConnection, redisUrl, graceMs + HAND_BACK_MS).catch(() => {});
        const closed = Promise.all(lanes.map((lane) => lane.worker.close()));
        if (!(await settleWithin(closed, graceMs + HAND_BACK_MS))) {
          logger.warn(`worker ${id}: Redis is unreachable; jobs still held return through the stalled check`);
        }
        clearTimeout(grace);
        clearInterval(claimTimer);
        for (const lane of lanes) lane.batches.close();
        await reports.stop();
        await Promise.all([closeRedis(subscriber), closeRedis(bullConnection), closeRedis(results)]);
        logger.info(`worker ${id} stopped`);
      })();
      return closing;
    },
  };
}

function describeWorker(
  id: string,
  options: QueueWorkerOptions,
  config: ReturnType<typeof compileQueueWorkerOptions>,
): string {
  const { lanes, registry, batching } = config;
  const served = registry.all().filter((definition) => lanes.includes(definition.lane));
  const batched = served.filter((definition) => definition.runBatch).map((definition) => definition.key);
  const concurrency = lanes.map((lane) => `${lane} ${config.concurrency[lane]}`).join(', ');
  const parts = [
    `worker ${id} ready`,
    `lanes ${lanes.join(',')}`,
    `concurrency ${concurrency}`,
    batched.length > 0
      ? `batching ${batched.join(', ')} up to ${batching.maxBatchSize} per batch, ${batching.maxWaitMs} ms wait, ${batching.maxInFlightBatches} in flight`
      : 'no batched node types',
    `Redis ${redactRedisUrl(options.redisUrl)} (prefix ${config.keys.prefix})`,
    `${served.length} node types: ${served.map((definition) => definition.key).join(', ')}`,
  ];
  return parts.join('; ');
}
