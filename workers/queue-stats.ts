// What `r1flow queues` shows: per lane the jobs waiting, running, delayed and failed (BullMQ's
// counts) and jobs/s over the last minute, plus batch sizes and in-flight batches, all added up
// from the reports workers keep in Redis (worker-stats.ts). Reports older than STALE_AFTER_MS
// come from workers that are gone; they are listed but not counted.
import { Queue } from 'bullmq';
import type { Lane } from '../engine/define-node.ts';
import { LANES } from '../engine/define-node.ts';
import { silentLogger } from '../engine/node-context.ts';
import { DEFAULT_PREFIX, nodeQueueName, queueKeys } from './queue-keys.ts';
import {
  closeRedis,
  openRedis,
  redactRedisUrl,
  settleWithin,
  unreachable,
  waitForRedis,
  withDeadline,
} from './redis-connection.ts';
import type { WorkerReport } from './worker-stats.ts';

export const STALE_AFTER_MS = 10_000;

export interface LaneStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Jobs finished per second, averaged over the last minute. */
  completedPerSecond: number;
  /** Live workers serving the lane. */
  workers: number;
}

export interface QueueStats {
  redis: string;
  prefix: string;
  lanes: Record<Lane, LaneStats>;
  /** Results posted by workers that the orchestrator has not read yet. */
  resultsPending: number;
  batches: {
    inFlight: number;
    count: number;
    meanJobs: number;
    meanWeight: number;
    /** Batches per size bucket (largest weight of the bucket). */
    sizes: Record<string, number>;
  };
  workers: (WorkerReport & { stale: boolean })[];
}

export async function queueStats(options: {
  redisUrl: string;
  prefix?: string;
  timeoutMs?: number;
}): Promise<QueueStats> {
  const { redisUrl, timeoutMs = 5000 } = options;
  const keys = queueKeys(options.prefix ?? DEFAULT_PREFIX);
  const redis = openRedis(redisUrl, 'stats', silentLogger);
  const queues = LANES.map(
    (lane) => new Queue(nodeQueueName(lane), { connection: redis, prefix: keys.prefix }),
  );
  for (const queue of queues) queue.on('error', () => {});
  try {
    await waitForRedis(redis, redisUrl, timeoutMs);
    const read = Promise.all([
      Promise.all(
        queues.map((queue) => queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed')),
      ),
      redis.xlen(keys.results),
      redis.hgetall(keys.workers),
    ]);
    const [counts, resultsPending, rawReports] = await withDeadline(read, timeoutMs, () =>
      unreachable(redisUrl, `no answer within ${timeoutMs} ms`),
    );
    const now = Date.now();
    const workers = Object.values(rawReports)
      .map((json) => JSON.parse(json) as WorkerReport)
      .map((report) => ({ ...report, stale: now - report.updatedAt > STALE_AFTER_MS }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const live = workers.filter((report) => !report.stale);
    const lanes = {} as Record<Lane, LaneStats>;
    LANES.forEach((lane, i) => {
      const count = counts[i]!;
      const serving = live.filter((report) => report.lanes.includes(lane));
      const completed = serving.reduce((sum, report) => sum + (report.completedLastMinute[lane] ?? 0), 0);
      lanes[lane] = {
        waiting: (count.wait ?? 0) + (count.prioritized ?? 0),
        active: count.active ?? 0,
        delayed: count.delayed ?? 0,
        failed: count.failed ?? 0,
        completedPerSecond: Number((completed / 60).toFixed(2)),
        workers: serving.length,
      };
    });
    return {
      redis: redactRedisUrl(redisUrl),
      prefix: keys.prefix,
      lanes,
      resultsPending,
      batches: sumBatches(live),
      workers,
    };
  } finally {
    await settleWithin(Promise.all(queues.map((queue) => queue.close())), 1000);
    await closeRedis(redis);
  }
}

function sumBatches(reports: WorkerReport[]): QueueStats['batches'] {
  const sizes: Record<string, number> = {};
  let count = 0;
  let jobs = 0;
  let weight = 0;
  for (const { batches } of reports) {
    count += batches.count;
    jobs += batches.jobs;
    weight += batches.weight;
    for (const [bucket, n] of Object.entries(batches.sizes)) sizes[bucket] = (sizes[bucket] ?? 0) + n;
  }
  const mean = (total: number) => (count === 0 ? 0 : Number((total / count).toFixed(2)));
  return {
    inFlight: reports.reduce((sum, report) => sum + report.inFlightBatches, 0),
    count,
    meanJobs: mean(jobs),
    meanWeight: mean(weight),
    sizes,
  };
}
