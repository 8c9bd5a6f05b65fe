// Where queue mode keeps things in Redis. Every key starts with the prefix, so several r1flow
// installations (one store each, with its one or more servers) can share a Redis by using different prefixes.
import type { Lane } from '../engine/define-node.ts';

export const DEFAULT_PREFIX = 'r1flow';

export interface QueueKeys {
  /** BullMQ's `prefix` option. */
  prefix: string;
  /** Stream of JobResults posted by workers, read by every orchestrator's transport and deleted by the run's driver. */
  results: string;
  /** Pub/sub channel: a job id whose active execution should stop. */
  cancel: string;
  /** Pub/sub channel: JobProgress events (lossy by design). */
  progress: string;
  /** Hash: worker id → that worker's latest report (lanes, batches, throughput). */
  workers: string;
  /** Per-job key prefix (`<prefix>:job:<jobId>:`) of the done marker, claim and start counter (job-claims.ts). */
  job: (jobId: string) => string;
}

export function queueKeys(prefix = DEFAULT_PREFIX): QueueKeys {
  if (prefix.length === 0 || prefix.includes(':')) {
    throw new RangeError(`queue prefix must be non-empty and free of ':', got "${prefix}"`);
  }
  return {
    prefix,
    results: `${prefix}:results`,
    cancel: `${prefix}:cancel`,
    progress: `${prefix}:progress`,
    workers: `${prefix}:workers`,
    job: (jobId) => `${prefix}:job:${jobId}:`,
  };
}

/** The BullMQ queue that carries a lane's node jobs. */
export function nodeQueueName(lane: Lane): string {
  return `node-${lane}`;
}
