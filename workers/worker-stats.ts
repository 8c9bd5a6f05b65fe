// What a worker tells operators: jobs completed per lane over the last minute, how big its
// batches were and how many run now. Each worker keeps its own counts and publishes a report to a
// Redis hash every second, so counting costs no Redis round trip per job; `queueStats` adds the
// reports up.
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Lane } from '../engine/define-node.ts';
import { withDeadline } from './redis-connection.ts';

/** Upper bounds of the batch-size histogram buckets, in batch weight (sequences). */
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128] as const;
const WINDOW_SECONDS = 60;

export interface WorkerReport {
  id: string;
  host: string;
  pid: number;
  lanes: Lane[];
  concurrency: number;
  nodeTypes: number;
  startedAt: number;
  updatedAt: number;
  /** Jobs finished per lane during the last 60 s. */
  completedLastMinute: Partial<Record<Lane, number>>;
  inFlightBatches: number;
  batches: {
    count: number;
    jobs: number;
    weight: number;
    /** Batches per bucket: key = largest weight of the bucket ("128+" beyond the last). */
    sizes: Record<string, number>;
  };
}

export type WorkerIdentity = Pick<WorkerReport, 'id' | 'lanes' | 'concurrency' | 'nodeTypes'>;

export class WorkerStats {
  readonly #identity: WorkerIdentity;
  readonly #startedAt = Date.now();
  /** Per lane: completions in each second of the window, and which second each slot holds. */
  readonly #completed = new Map<Lane, { counts: number[]; seconds: number[] }>();
  readonly #batches: WorkerReport['batches'] = { count: 0, jobs: 0, weight: 0, sizes: {} };

  constructor(identity: WorkerIdentity) {
    this.#identity = identity;
    for (const lane of identity.lanes) {
      this.#completed.set(lane, {
        counts: new Array<number>(WINDOW_SECONDS).fill(0),
        seconds: new Array<number>(WINDOW_SECONDS).fill(-1),
      });
    }
  }

  recordCompleted(lane: Lane, now = Date.now()): void {
    const window = this.#completed.get(lane);
    if (!window) return;
    const second = Math.floor(now / 1000);
    const slot = second % WINDOW_SECONDS;
    if (window.seconds[slot] !== second) {
      window.seconds[slot] = second;
      window.counts[slot] = 0;
    }
    window.counts[slot]!++;
  }

  recordBatch(jobs: number, weight: number): void {
    const batches = this.#batches;
    batches.count++;
    batches.jobs += jobs;
    batches.weight += weight;
    const bound = BATCH_SIZE_BUCKETS.find((limit) => weight <= limit);
    const bucket = bound === undefined ? `${BATCH_SIZE_BUCKETS.at(-1)}+` : String(bound);
    batches.sizes[bucket] = (batches.sizes[bucket] ?? 0) + 1;
  }

  report(inFlightBatches: number, now = Date.now()): WorkerReport {
    const since = Math.floor(now / 1000) - WINDOW_SECONDS;
    const completedLastMinute: WorkerReport['completedLastMinute'] = {};
    for (const [lane, window] of this.#completed) {
      completedLastMinute[lane] = window.counts.reduce(
        (sum, count, slot) => (window.seconds[slot]! > since ? sum + count : sum),
        0,
      );
    }
    return {
      ...this.#identity,
      host: hostname(),
      pid: process.pid,
      startedAt: this.#startedAt,
      updatedAt: now,
      completedLastMinute,
      inFlightBatches,
      batches: { ...this.#batches, sizes: { ...this.#batches.sizes } },
    };
  }
}

/** Writes the worker's report every `everyMs` (and once now); `stop` removes it. */
export function publishWorkerReports(
  redis: Redis,
  key: string,
  report: () => WorkerReport,
  everyMs = 1000,
): { stop(): Promise<void> } {
  let id = '';
  const publish = () => {
    const current = report();
    id = current.id;
    redis.hset(key, current.id, JSON.stringify(current)).catch(() => {}); // reports are best effort
  };
  publish();
  const timer = setInterval(publish, everyMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      const removed = redis.hdel(key, id);
      await withDeadline(removed, 1000, () => new Error('Redis did not answer')).catch(() => {});
    },
  };
}
