// Exactly-once effects of a node job's *completion* across Redis restarts, lapsed BullMQ locks and
// duplicate deliveries. BullMQ's own lock can lapse while a worker still runs the job (Redis was
// down longer than the lock, or restarted without its data), and then the job is handed out again.
// So a worker also keeps keys of its own next to the job:
//   <prefix>:job:<id>:claim   the worker running it (short TTL, refreshed while it runs, and
//                             re-written after every reconnect, so it survives a Redis restart
//                             that lost it);
//   <prefix>:job:<id>:done    set in the same script that posts the result; a job with it is never
//                             run again, and a second result for it is dropped;
//   <prefix>:job:<id>:starts  how many times a worker started it (the node's `ctx.delivery`).
// A worker that gets a job claimed by another live worker leaves it delayed for one claim TTL: if
// the holder died meanwhile, the claim has lapsed and the job runs; if it finished, it is done.
import type { Redis } from 'ioredis';
import type { QueueKeys } from './queue-keys.ts';
import { resultEntryFields } from './results-stream.ts';

/** How long the done marker and start counter outlive a job: redeliveries come within minutes. */
export const DONE_MARKER_TTL_MS = 15 * 60_000;

const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'done', 0} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {'held', holder} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local starts = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {'claimed', starts}`;

const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('DEL', KEYS[2])
return 1`;

const REFRESH = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

export type Claim =
  | { state: 'claimed' /** 1 on the first start of this job, 2 on the next, … */; starts: number }
  | { state: 'done' }
  | { state: 'held'; holder: string };

function jobKeys(keys: QueueKeys, jobId: string): [done: string, claim: string, starts: string] {
  const base = keys.job(jobId);
  return [`${base}done`, `${base}claim`, `${base}starts`];
}

/** Claims a job for `workerId` before running it, unless it is done or another worker holds it. */
export async function claimJob(
  redis: Redis,
  keys: QueueKeys,
  jobId: string,
  workerId: string,
  claimTtlMs: number,
): Promise<Claim> {
  const [state, value] = (await redis.eval(
    CLAIM,
    3,
    ...jobKeys(keys, jobId),
    workerId,
    claimTtlMs,
    DONE_MARKER_TTL_MS,
  )) as [string, string | number];
  if (state === 'done') return { state };
  if (state === 'held') return { state, holder: String(value) };
  return { state: 'claimed', starts: Number(value) };
}

/** Posts a job's result and marks it done, atomically; false (nothing posted) when it already was. */
export async function finishJob(
  redis: Redis,
  keys: QueueKeys,
  result: { jobId: string; runId: string },
  json: string,
): Promise<boolean> {
  const [done, claim] = jobKeys(keys, result.jobId);
  const fields = resultEntryFields(result.jobId, result.runId, json);
  const posted = await redis.eval(FINISH, 3, done, claim, keys.results, DONE_MARKER_TTL_MS, ...fields);
  return posted === 1;
}

/** Re-writes the claims of the jobs a worker is running (periodically, and after a reconnect). */
export async function refreshClaims(
  redis: Redis,
  keys: QueueKeys,
  jobIds: Iterable<string>,
  workerId: string,
  claimTtlMs: number,
): Promise<void> {
  const pipeline = redis.pipeline();
  for (const jobId of jobIds) {
    const [done, claim] = jobKeys(keys, jobId);
    pipeline.eval(REFRESH, 2, done, claim, workerId, claimTtlMs);
  }
  if (pipeline.length > 0) await pipeline.exec();
}

/** Of `jobIds`, those some worker is running (claimed) or has finished (done marker). */
export async function claimedOrDone(
  redis: Redis,
  keys: QueueKeys,
  jobIds: readonly string[],
): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const pipeline = redis.pipeline();
  for (const jobId of jobIds) {
    const [done, claim] = jobKeys(keys, jobId);
    pipeline.exists(done, claim);
  }
  const replies = (await pipeline.exec()) ?? [];
  return new Set(jobIds.filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0));
}

/** Gives up a claim without finishing (shutdown hands the job back): the next worker may run it at once. */
export async function releaseClaim(redis: Redis, keys: QueueKeys, jobId: string): Promise<void> {
  await redis.del(jobKeys(keys, jobId)[1]);
}
