// Node jobs that BullMQ moved to its failed set. A worker never fails a job on purpose (it posts
// every outcome as a result), so a failed job is one whose worker died twice while holding it:
// BullMQ's stalled check re-ran it once (maxStalledCount 1), then gave up. Such a job becomes a
// NODE_WORKER_LOST result, which costs the node one engine attempt, like any failure.
import type { Job, Queue } from 'bullmq';
import { R1flowError, serializeError } from '../engine/errors.ts';
import type { JobResult, NodeJob } from '../engine/transport.ts';
import { parseNodeJob } from './job-payload.ts';

/** How many failed jobs one collection pass takes from a lane. */
const PASS_SIZE = 100;

export interface LostJob {
  /** Undefined when neither the transport nor the job's data says which node it was for. */
  result: JobResult | undefined;
  /** Deletes the failed job from Redis; call after the result was delivered. */
  remove(): Promise<void>;
}

/** Failed jobs of one lane's queue as results; `known` supplies identities for unreadable data. */
export async function collectLostJobs(
  queue: Queue,
  known: (jobId: string) => NodeJob | undefined,
): Promise<LostJob[]> {
  if ((await queue.getFailedCount()) === 0) return [];
  const jobs = (await queue.getJobs(['failed'], 0, PASS_SIZE - 1)).filter((job): job is Job =>
    Boolean(job?.id),
  );
  return jobs.map((job) => {
    const identity = known(job.id!) ?? nodeJobOf(job);
    return { result: identity && lostJobResult(identity, job), remove: () => job.remove() };
  });
}

function nodeJobOf(job: Job): NodeJob | undefined {
  const parsed = parseNodeJob(job.data);
  return parsed.ok ? parsed.job : undefined;
}

function lostJobResult(identity: NodeJob, job: Job): JobResult {
  const reason = job.failedReason || 'no reason given';
  const stalled = /stalled/i.test(reason);
  const error = stalled
    ? new R1flowError(
        'NODE_WORKER_LOST',
        `${identity.nodeId} was lost with its worker twice (BullMQ: ${reason}); check the worker logs for crashes`,
        { nodeId: identity.nodeId, retryable: true },
      )
    : new R1flowError('NODE_FAILED', `${identity.nodeId} failed in its worker: ${reason}`, {
        nodeId: identity.nodeId,
      });
  const now = Date.now();
  return {
    jobId: identity.jobId,
    runId: identity.runId,
    nodeId: identity.nodeId,
    attempt: identity.attempt,
    outcome: { ok: false, error: serializeError(error) },
    startedAt: job.processedOn ?? now,
    finishedAt: job.finishedOn ?? now,
  };
}
