// Queue mode, the orchestrator's side: node jobs go to one BullMQ queue per lane (job id = the
// engine's job id, so a repeated dispatch is one job), results come back through a Redis stream
// (results-stream.ts), progress through pub/sub. Retries, backoff and timeouts stay the engine's:
// every BullMQ job has `attempts: 1`, so the stored attempt history is the same as inline.
//
// Results are read only once the orchestrator asked for them (first submit or reconcile), so
// results waiting from before a restart reach an orchestrator that has loaded its runs.
//
// Several orchestrators may share one Redis (a cluster on one store). Each transport hands over
// only the results of the runs its orchestrator drives: those it dispatched jobs for, and those
// it took over by `reconcile`, which also looks back through the stream for results that arrived
// before. A result is deleted from the stream once acknowledged (its effect is stored), so one
// whose driver died before storing it waits for the next. Results of runs nobody drives any more
// (a finished run's late or repeated result) are deleted after a store lookup (`finishedRuns`).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Lane } from '../engine/define-node.ts';
import { LANES } from '../engine/define-node.ts';
import { R1flowError } from '../engine/errors.ts';
import { failedResult } from '../engine/execute-job.ts';
import type { JobProgress, JobResult, NodeJob, Transport } from '../engine/transport.ts';
import { encodeWithinCap } from './job-payload.ts';
import { findVanishedJobs, unfinishedNodeJobs } from './jobs-in-redis.ts';
import { collectLostJobs } from './lost-jobs.ts';
import { nodeQueueName } from './queue-keys.ts';
import type { CompiledQueueTransportOptions, QueueTransportOptions } from './queue-transport-options.ts';
import { compileQueueTransportOptions } from './queue-transport-options.ts';
import type { RedisPersistence } from './redis-connection.ts';
import {
  closeRedis,
  openRedis,
  redactRedisUrl,
  redisPersistence,
  settleOr,
  settleWithin,
  unreachable,
  withDeadline,
} from './redis-connection.ts';
import type { ResultsReader, StreamedResult } from './results-stream.ts';
import { deleteResults, entryTime, scanResults, startResultsReader } from './results-stream.ts';

export interface QueueHealth {
  redis: 'reachable' | 'unreachable';
  message: string;
  /** How Redis keeps its data across a restart, as last seen (undefined before the first look). */
  persistence?: RedisPersistence;
}

/**
 * What this process knows of a job it dispatched. Only `queued` jobs are audited (re-queued when
 * Redis lost them); `submitting` ones may not have reached Redis yet, `cancelling` ones are being
 * removed on purpose. A settled job leaves the map for the `#settled` memory.
 */
type InFlightState = 'submitting' | 'queued' | 'cancelling';

interface InFlight {
  job: NodeJob;
  state: InFlightState;
  /** Times the audit queued it again after it vanished from Redis (the worker adds it to ctx.delivery). */
  requeued: number;
}

/** How many settled job ids are remembered to drop repeated results (one repeat per Redis hiccup). */
const SETTLED_MEMORY = 10_000;

/** Stream entries of a delivered result, deleted once the orchestrator acknowledges it. */
interface Unacknowledged {
  runId: string;
  entryIds: string[];
}

export function createQueueTransport(options: QueueTransportOptions): QueueTransport {
  return new QueueTransport(options);
}

export class QueueTransport implements Transport {
  readonly name = 'queue';
  readonly #options: CompiledQueueTransportOptions;
  readonly #redis: Redis;
  readonly #queues: Map<Lane, Queue>;
  readonly #inFlight = new Map<string, InFlight>();
  /** Job ids whose result went out, oldest first: a second result for one is dropped. */
  readonly #settled = new Set<string>();
  /** Runs whose results this transport hands over: the orchestrator drives them. */
  readonly #runs = new Set<string>();
  /** By job id: stream entries handed over and not yet acknowledged. */
  readonly #unacknowledged = new Map<string, Unacknowledged>();
  #persistence: RedisPersistence | undefined;
  #everReady = false;
  #reconnectAudit: NodeJS.Timeout | undefined;
  readonly #settledListeners: ((result: JobResult) => void)[] = [];
  readonly #progressListeners: ((progress: JobProgress) => void)[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #reader: ResultsReader | undefined;
  #subscriber: Redis | undefined;
  /** Results that arrived during a reconcile, delivered once it returned. */
  readonly #held: JobResult[] = [];
  #reconciling = 0;
  #consuming = false;
  #collecting = false;
  #auditing = false;
  #sweeping = false;
  #closed = false;

  constructor(options: QueueTransportOptions) {
    this.#options = compileQueueTransportOptions(options);
    const { redisUrl, keys, logger } = this.#options;
    this.#redis = openRedis(redisUrl, 'transport', logger, { onReady: () => this.#onReady() });
    this.#queues = new Map(
      LANES.map((lane) => {
        const queue = new Queue(nodeQueueName(lane), {
          connection: this.#redis,
          prefix: keys.prefix,
          defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: false },
        });
        queue.on('error', () => {}); // reported once per outage by the connection itself
        return [lane, queue];
      }),
    );
  }

  async submit(jobs: readonly NodeJob[]): Promise<void> {
    if (this.#closed) throw new R1flowError('INTERNAL', 'the queue transport is closed');
    this.#startConsuming();
    const refused: JobResult[] = [];
    const accepted: NodeJob[] = [];
    for (const job of jobs) {
      const encoded = encodeWithinCap(
        job,
        this.#options.maxPayloadBytes,
        `the job of node ${job.nodeId}`,
        'JOB_DATA_INVALID',
      );
      if (encoded.ok) accepted.push(job);
      else refused.push(failedResult(job, Date.now(), encoded.error));
    }
    for (const job of accepted) {
      this.#runs.add(job.runId);
      this.#inFlight.set(job.jobId, { job, state: 'submitting', requeued: 0 });
    }
    try {
      await this.#add(accepted);
    } catch (error) {
      // A late add may still reach Redis; its result then belongs to an attempt the engine has moved past.
      for (const job of accepted) this.#inFlight.delete(job.jobId);
      throw error;
    }
    for (const job of accepted) {
      const entry = this.#inFlight.get(job.jobId);
      if (entry?.state === 'submitting') entry.state = 'queued';
    }
    if (refused.length > 0) setImmediate(() => this.#deliver(refused));
  }

  onSettled(listener: (result: JobResult) => void): void {
    this.#settledListeners.push(listener);
  }

  onProgress(listener: (progress: JobProgress) => void): void {
    this.#progressListeners.push(listener);
  }

  /** A waiting job is removed and settles as cancelled; a running one is told to stop via pub/sub. */
  async cancel(jobId: string): Promise<void> {
    const entry = this.#inFlight.get(jobId);
    if (entry) entry.state = 'cancelling'; // not "vanished" when the removal below succeeds
    const lanes = entry ? [entry.job.lane] : LANES;
    try {
      for (const lane of lanes) {
        const removed = await this.#deadline(this.#queue(lane).remove(jobId), `cancel job ${jobId}`);
        if (removed === 1 && entry) {
          const error = new R1flowError(
            'NODE_CANCELLED',
            `${entry.job.nodeId} was cancelled before it started`,
            {
              nodeId: entry.job.nodeId,
            },
          );
          this.#deliver([failedResult(entry.job, Date.now(), error)]);
          return;
        }
      }
      await this.#deadline(this.#redis.publish(this.#options.keys.cancel, jobId), `cancel job ${jobId}`);
    } catch (error) {
      // The engine has already marked the node cancelled; a late result is ignored.
      this.#options.logger.warn('could not cancel a queued job', { jobId, error: (error as Error).message });
    } finally {
      if (entry && this.#inFlight.get(jobId) === entry) entry.state = 'queued';
    }
  }

  /**
   * Takes the runs over: node jobs of theirs still queued or running, plus those whose results wait
   * in the stream (handed over once this returns, with every later result of these runs).
   */
  async reconcile(runIds: readonly string[]): Promise<Set<string>> {
    this.#reconciling++;
    try {
      // Before the stream is looked through: a result posted meanwhile is then read as this one's.
      for (const runId of runIds) this.#runs.add(runId);
      return await this.#deadline(this.#listInFlight(new Set(runIds)), 'list jobs in flight');
    } finally {
      this.#reconciling--;
      // Results that arrived meanwhile go out after the caller has adopted the runs they belong to.
      if (this.#reconciling === 0 && this.#held.length > 0)
        setImmediate(() => this.#deliver(this.#held.splice(0)));
      this.#startConsuming();
    }
  }

  /** Other orchestrators' jobs are left alone: auditing them here would queue them twice. */
  async #listInFlight(runIds: ReadonlySet<string>): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const lane of LANES) {
      for (const { id, job } of await unfinishedNodeJobs(this.#queue(lane))) {
        if (!job || !runIds.has(job.runId)) continue;
        ids.add(id);
        if (!this.#inFlight.has(id))
          this.#inFlight.set(id, { job, state: 'queued', requeued: job.requeued ?? 0 });
      }
    }
    const waiting = await scanResults(this.#redis, this.#options.keys.results, (runId) => runIds.has(runId));
    for (const { jobId } of waiting) ids.add(jobId);
    // Held until this returns, like any result that arrives during a reconcile.
    this.#receive(waiting);
    return ids;
  }

  /** The orchestrator stored what these results changed (or has no use for them): delete them. */
  acknowledge(jobIds: readonly string[]): void {
    const entryIds: string[] = [];
    for (const jobId of jobIds) {
      const pending = this.#unacknowledged.get(jobId);
      if (!pending) continue;
      this.#unacknowledged.delete(jobId);
      entryIds.push(...pending.entryIds);
    }
    deleteResults(this.#redis, this.#options.keys.results, entryIds, this.#options.logger);
  }

  /**
   * The orchestrator no longer drives these runs (finished, or taken over elsewhere): their
   * results and jobs are left to whoever does, unacknowledged ones included.
   */
  release(runIds: readonly string[]): void {
    const released = new Set(runIds);
    for (const runId of runIds) this.#runs.delete(runId);
    for (const [jobId, pending] of this.#unacknowledged)
      if (released.has(pending.runId)) this.#unacknowledged.delete(jobId);
    for (const [jobId, entry] of this.#inFlight)
      if (released.has(entry.job.runId)) this.#inFlight.delete(jobId);
  }

  async health(): Promise<QueueHealth> {
    const where = redactRedisUrl(this.#options.redisUrl);
    try {
      if (this.#redis.status !== 'ready') throw new Error(this.#redis.status);
      await withDeadline(this.#redis.ping(), 1000, () => new Error('no answer to PING within 1 s'));
      const persistence = this.#persistence ? { persistence: this.#persistence } : {};
      return { redis: 'reachable', message: `Redis reachable at ${where}`, ...persistence };
    } catch (error) {
      return { redis: 'unreachable', message: `Redis unreachable at ${where} (${(error as Error).message})` };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#reconnectAudit);
    await this.#reader?.stop();
    if (this.#subscriber) await closeRedis(this.#subscriber);
    const queues = [...this.#queues.values()].map((queue) => queue.close());
    await settleWithin(Promise.all(queues), this.#options.redisTimeoutMs);
    await closeRedis(this.#redis);
  }

  #queue(lane: Lane): Queue {
    return this.#queues.get(lane) ?? this.#queues.get('cpu')!;
  }

  async #add(jobs: readonly NodeJob[]): Promise<void> {
    const byLane = new Map<Lane, NodeJob[]>();
    for (const job of jobs) {
      const list = byLane.get(job.lane);
      if (list) list.push(job);
      else byLane.set(job.lane, [job]);
    }
    await this.#deadline(
      Promise.all(
        [...byLane].map(([lane, list]) =>
          this.#queue(lane).addBulk(
            list.map((job) => ({ name: job.nodeKey, data: job, opts: { jobId: job.jobId } })),
          ),
        ),
      ),
      `queue ${jobs.length} job(s)`,
    );
  }

  #deadline<T>(promise: Promise<T>, what: string): Promise<T> {
    const { redisUrl, redisTimeoutMs } = this.#options;
    return withDeadline(promise, redisTimeoutMs, () =>
      unreachable(redisUrl, `could not ${what} within ${redisTimeoutMs} ms`),
    );
  }

  /** Starts reading results, progress and lost jobs; deferred a turn so the caller's follow-up runs first. */
  #startConsuming(): void {
    if (this.#consuming || this.#closed) return;
    this.#consuming = true;
    setImmediate(() => {
      if (this.#closed) return;
      const { redisUrl, keys, logger, lostJobCheckMs, auditEveryMs } = this.#options;
      this.#reader = startResultsReader({
        reader: openRedis(redisUrl, 'results-reader', logger),
        key: keys.results,
        logger,
        drives: (runId, jobId) => this.#runs.has(runId) || this.#inFlight.has(jobId),
        onResults: (results) => this.#receive(results),
      });
      this.#subscriber = openRedis(redisUrl, 'progress', logger);
      this.#subscriber.on('message', (_channel: string, message: string) => this.#receiveProgress(message));
      void this.#subscriber.subscribe(keys.progress).catch(() => {});
      this.#timers.push(setInterval(() => void this.#collectLost(), lostJobCheckMs).unref());
      this.#timers.push(setInterval(() => void this.#audit(), auditEveryMs).unref());
      this.#timers.push(setInterval(() => void this.#sweep(), this.#options.strayResultsAfterMs).unref());
    });
  }

  #receive(results: StreamedResult[]): void {
    const ok: JobResult[] = [];
    const repeats: string[] = [];
    for (const { entryId, jobId, runId, result } of results) {
      const pending = this.#unacknowledged.get(jobId);
      if (pending) {
        if (!pending.entryIds.includes(entryId)) pending.entryIds.push(entryId);
        continue;
      }
      // A repeat of a result already acknowledged: nothing waits for it.
      if (this.#settled.has(jobId)) {
        repeats.push(entryId);
        continue;
      }
      this.#unacknowledged.set(jobId, { runId, entryIds: [entryId] });
      const entry = this.#inFlight.get(jobId);
      if (result) ok.push(result);
      else if (entry) {
        const error = new R1flowError(
          'NODE_FAILED',
          `the worker sent an unreadable result for ${entry.job.nodeId}`,
        );
        ok.push(failedResult(entry.job, Date.now(), error));
      } else this.#options.logger.warn('dropped an unreadable result of an unknown job', { jobId });
    }
    deleteResults(this.#redis, this.#options.keys.results, repeats, this.#options.logger);
    this.#deliver(ok);
  }

  #receiveProgress(message: string): void {
    let progress: JobProgress;
    try {
      progress = JSON.parse(message) as JobProgress;
    } catch {
      return;
    }
    if (typeof progress?.jobId !== 'string' || typeof progress.progress !== 'object') return;
    for (const listener of this.#progressListeners) listener(progress);
  }

  /** Hands results to the orchestrator; this process's record of a job names the run, node and attempt. */
  #deliver(results: readonly JobResult[]): void {
    if (this.#reconciling > 0) {
      this.#held.push(...results);
      return;
    }
    for (const result of results) {
      // A repeat (a job run twice around a Redis restart): the first result already went out.
      if (this.#settled.has(result.jobId)) {
        this.#options.logger.info('dropped a repeated result of a settled job', { jobId: result.jobId });
        continue;
      }
      this.#remember(result.jobId);
      const entry = this.#inFlight.get(result.jobId);
      this.#inFlight.delete(result.jobId);
      if (this.#closed) continue;
      const settled = entry
        ? { ...result, runId: entry.job.runId, nodeId: entry.job.nodeId, attempt: entry.job.attempt }
        : result;
      for (const listener of this.#settledListeners) listener(settled);
    }
  }

  #remember(jobId: string): void {
    this.#settled.add(jobId);
    if (this.#settled.size > SETTLED_MEMORY) this.#settled.delete(this.#settled.values().next().value!);
  }

  /**
   * On every (re)connect: look at Redis's persistence (warn when a restart would lose the queues),
   * and after a reconnect audit the jobs in flight once workers had time to re-write their claims.
   */
  #onReady(): void {
    const reconnect = this.#everReady;
    this.#everReady = true;
    void this.#checkPersistence();
    if (!reconnect) return;
    clearTimeout(this.#reconnectAudit);
    this.#reconnectAudit = setTimeout(() => void this.#audit(), this.#options.reconnectAuditDelayMs).unref();
  }

  async #checkPersistence(): Promise<void> {
    const persistence = await settleOr(redisPersistence(this.#redis), this.#options.redisTimeoutMs);
    if (!persistence) return;
    const changed = persistence.mode !== this.#persistence?.mode;
    this.#persistence = persistence;
    if (changed && persistence.warning) this.#options.logger.warn(persistence.warning);
  }

  async #collectLost(): Promise<void> {
    if (this.#collecting || this.#closed) return;
    this.#collecting = true;
    try {
      for (const lane of LANES) {
        const lost = await collectLostJobs(this.#queue(lane), (jobId) => this.#inFlight.get(jobId)?.job);
        // Another orchestrator's lost jobs are its own to report.
        const mine = lost.filter((item) => item.result && this.#runs.has(item.result.runId));
        this.#deliver(mine.map((item) => item.result!));
        await Promise.all(mine.map((item) => item.remove()));
      }
    } catch (error) {
      this.#options.logger.warn('collecting lost jobs failed', { error: (error as Error).message });
    } finally {
      this.#collecting = false;
    }
  }

  /**
   * Deletes results that no orchestrator will take: older than `strayResultsAfterMs`, of runs not
   * driven here, and finished or gone by the store. A run still active is left to be taken over.
   */
  async #sweep(): Promise<void> {
    const { finishedRuns, strayResultsAfterMs, keys, logger } = this.#options;
    if (!finishedRuns || this.#sweeping || this.#closed) return;
    this.#sweeping = true;
    try {
      const before = Date.now() - strayResultsAfterMs;
      const scan = scanResults(
        this.#redis,
        keys.results,
        (runId, entryId) => entryTime(entryId) < before && !this.#runs.has(runId),
      );
      const strays = await this.#deadline(scan, 'look for stray results');
      if (strays.length === 0) return;
      const over = await finishedRuns([...new Set(strays.map((stray) => stray.runId))]);
      const gone = strays.filter((stray) => over.has(stray.runId));
      deleteResults(
        this.#redis,
        keys.results,
        gone.map((stray) => stray.entryId),
        logger,
      );
      if (gone.length > 0) logger.info('deleted results of finished runs', { count: gone.length });
    } catch (error) {
      logger.warn('looking for stray results failed', { error: (error as Error).message });
    } finally {
      this.#sweeping = false;
    }
  }

  /** Jobs that vanished from Redis (restarted without its data, or failed over) are queued again. */
  async #audit(): Promise<void> {
    if (this.#auditing || this.#closed || !this.#consuming) return;
    this.#auditing = true;
    try {
      const awaited = [...this.#inFlight.values()]
        .filter((entry) => entry.state === 'queued')
        .map((entry) => entry.job);
      const jobKey = (job: NodeJob) => this.#queue(job.lane).toKey(job.jobId);
      const found = findVanishedJobs(this.#redis, awaited, jobKey, this.#options.keys);
      const vanished = (await this.#deadline(found, 'check jobs in flight')).flatMap((job) => {
        const entry = this.#inFlight.get(job.jobId);
        if (entry?.state !== 'queued') return [];
        entry.requeued++;
        return [{ ...job, requeued: entry.requeued }];
      });
      if (vanished.length === 0) return;
      const count = vanished.length;
      this.#options.logger.warn(
        'jobs vanished from Redis (restarted without its data?); queuing them again',
        { count },
      );
      await this.#add(vanished);
    } catch (error) {
      this.#options.logger.warn('checking jobs in flight failed', { error: (error as Error).message });
    } finally {
      this.#auditing = false;
    }
  }
}
