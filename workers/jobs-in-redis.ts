// What Redis holds of the node jobs a transport cares about: those still to run or running (for
// reconcile after a restart), and which of the jobs it waits for are gone (after Redis restarted
// without its data).
import type { JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NodeJob } from '../engine/transport.ts';
import { claimedOrDone } from './job-claims.ts';
import type { QueuedNodeJob } from './job-payload.ts';
import { parseNodeJob } from './job-payload.ts';
import type { QueueKeys } from './queue-keys.ts';
import { pendingResultJobIds } from './results-stream.ts';

/** BullMQ states in which a node job is still to run or running. */
const UNFINISHED_STATES: JobType[] = ['wait', 'active', 'delayed', 'prioritized'];

/** Ids of a queue's unfinished jobs, with the node job when its data is one. */
export async function unfinishedNodeJobs(
  queue: Queue,
): Promise<{ id: string; job: QueuedNodeJob | undefined }[]> {
  const jobs = await queue.getJobs(UNFINISHED_STATES);
  return jobs.flatMap((job) => {
    if (!job?.id) return [];
    const parsed = parseNodeJob(job.data);
    return [{ id: job.id, job: parsed.ok ? parsed.job : undefined }];
  });
}

/**
 * Of `jobs` (each once added to Redis), those that are neither in their queue nor have a result
 * waiting nor are claimed or done by a worker. A worker posts a result before it completes, and
 * thereby deletes, a job, so a job missing from its queue whose result is not in the stream when
 * looked at afterwards is gone, unless a worker still runs it (it re-writes its claim after a
 * Redis restart that lost the job) or finished it (its result may be on its way to the caller).
 */
export async function findVanishedJobs(
  redis: Redis,
  jobs: readonly NodeJob[],
  jobKey: (job: NodeJob) => string,
  keys: QueueKeys,
): Promise<NodeJob[]> {
  if (jobs.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.exists(jobKey(job));
  const replies = (await pipeline.exec()) ?? [];
  const missing = jobs.filter((_, i) => replies[i]?.[1] === 0);
  if (missing.length === 0) return [];
  const pending = await pendingResultJobIds(redis, keys.results);
  const unaccounted = missing.filter((job) => !pending.has(job.jobId));
  const held = await claimedOrDone(
    redis,
    keys,
    unaccounted.map((job) => job.jobId),
  );
  return unaccounted.filter((job) => !held.has(job.jobId));
}
