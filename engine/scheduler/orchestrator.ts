// The orchestrator drives runs: it turns job results, timers and cancel requests into state
// changes, commits each tick's changes in one transaction *before* dispatching, and holds a lease
// on its runs so that several processes can share one store without running a run twice.
import type { Actor, RunAccess } from '../actor.ts';
import type { Logger } from '../define-node.ts';
import { isR1flowError, R1flowError, type SerializedError, serializeError } from '../errors.ts';
import { checkJsonDepth } from '../json-limits.ts';
import { silentLogger } from '../node-context.ts';
import { createOwnerId } from '../owner.ts';
import type { NodeRegistry } from '../registry.ts';
import { nextRunStatus, TERMINAL_RUN_STATUSES } from '../run-machine.ts';
import { type SqlAuditRecord, sqlAuditDraft } from '../sql-audit.ts';
import { auditActorOf } from '../store/audit-records.ts';
import type { NodeRunRecord, RunEvent, RunRecord, RunTrigger } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { retryThroughOutage } from '../store/store-outage.ts';
import type { JobProgress, JobResult, NodeJob, Transport } from '../transport.ts';
import type { ActiveRun } from './active-run.ts';
import { activeRunFromStored } from './active-run.ts';
import { advanceRun, applyResult, endRun, redispatchNode } from './advance-run.ts';
import type { RunCommitFailure } from './commit-tick.ts';
import { ErrorFlows } from './error-flows.ts';
import { checkNoCallerHistory, joinThread, type ThreadRequest } from './join-thread.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { newRunRows } from './new-run.ts';
import { commitThroughOutage, type OutageCommit } from './outage-commit.ts';
import { hasExpressions, resolveJobParams } from './resolve-job-params.ts';
import { resolveStoredFlow } from './resolve-stored-flow.ts';
import { claimOrphans, FlowVersions, loadForResume, markInFlight } from './resume-runs.ts';
import { checkRunInput } from './run-input.ts';
import { RunWaiters } from './run-waiters.ts';
import { Tick } from './tick.ts';
import { TickLoop } from './tick-loop.ts';
import { failStoredRunChanges, storeCommitError } from './unstored-run.ts';

export interface OrchestratorOptions {
  store: Store;
  transport: Transport;
  registry: NodeRegistry;
  /** Defaults to `host/pid/random`. */
  owner?: string;
  /** How long a claim on a run holds without renewal, in ms. Default 15 000. */
  leaseMs?: number;
  /** How often leases are renewed and cancel requests from other processes are read, in ms. Default 500. */
  maintainEveryMs?: number;
  /** Progress events of one node are stored at most this often, in ms. Default 250. */
  progressEveryMs?: number;
  /**
   * Whether this process takes over runs whose owner is gone (default true). A one-shot
   * `r1flow run` says false: it drives only its own run.
   */
  adoptOrphans?: boolean;
  /**
   * Whether a failed run starts the error flows watching its flow (scheduler/error-flows.ts).
   * Defaults to `adoptOrphans`: one-shot commands report their failures themselves.
   */
  startErrorFlows?: boolean;
  logger?: Logger;
}

export interface StartRunRequest extends ThreadRequest {
  flowId: string;
  /** Defaults to the latest version. */
  version?: number;
  input?: unknown;
  trigger?: RunTrigger;
  idempotencyKey?: string;
  /** Re-run of an earlier run: outputs of nodes not downstream of `fromNode` are reused. */
  rerun?: { runId: string; fromNode?: string };
  /** Who starts it (stored with the run; listings show it). */
  startedBy?: Actor;
  /** The caller's limits per connection, handed to every node job of the run. */
  access?: RunAccess | null;
  /**
   * Take the flow's pinned outputs instead of running those nodes. Only for runs a builder starts
   * to try a flow (the editor); webhooks and schedules never set it.
   */
  usePins?: boolean;
  /**
   * The schedule tick this run is for: the run is stored only with the tick's fire row, in one
   * transaction, and is refused with SCHEDULE_TICK_TAKEN when another process fired the tick.
   */
  scheduleTick?: ScheduleTick;
}

export interface ScheduleTick {
  triggerId: string;
  /** The tick's time by the cron (not when it fired), so every process names it alike. */
  fireAt: number;
}

/** A run a tick adopts, and whom to tell once it is stored (or why it was not). */
interface AdoptedRun {
  runId: string;
  done: (error?: unknown) => void;
}

interface RunInsert {
  record: RunRecord;
  nodes: NodeRunRecord[];
  scheduleTick?: ScheduleTick;
}

type InboxItem =
  | { type: 'settled'; result: JobResult }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'retry-due'; runId: string }
  | { type: 'cancel'; runId: string }
  | {
      type: 'adopt';
      run: ActiveRun;
      insert?: RunInsert;
      /** Called once the run is stored, with the error when it could not be. */
      done: (error?: unknown) => void;
    }
  | { type: 'lost'; runIds: string[] };

export class Orchestrator {
  readonly owner: string;
  readonly #store: Store;
  readonly #transport: Transport;
  readonly #registry: NodeRegistry;
  readonly #leaseMs: number;
  readonly #progressEveryMs: number;
  readonly #adoptOrphans: boolean;
  readonly #logger: Logger;
  readonly #active = new Map<string, ActiveRun>();
  readonly #waiters: RunWaiters;
  readonly #leases: LeaseKeeper;
  readonly #loop: TickLoop<InboxItem>;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #lastProgress = new Map<string, number>();
  readonly #listeners: ((events: RunEvent[]) => void)[] = [];
  readonly #pendingIdempotent = new Map<string, Promise<RunRecord>>();
  readonly #versions: FlowVersions;
  readonly #errorFlows: ErrorFlows | null;
  #closed = false;
  /** The STORE_UNAVAILABLE error while a tick waits for the store to answer again; null otherwise. */
  #outage: unknown = null;
  /**
   * New runs whose insert is not committed yet. Their leases are not renewed: the store does not
   * know them yet and would report them lost, as if another process had taken them.
   */
  readonly #inserting = new Set<string>();

  constructor(options: OrchestratorOptions) {
    this.#store = options.store;
    this.#transport = options.transport;
    this.#registry = options.registry;
    this.owner = options.owner ?? createOwnerId();
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#progressEveryMs = options.progressEveryMs ?? 250;
    this.#adoptOrphans = options.adoptOrphans ?? true;
    this.#logger = options.logger ?? silentLogger;
    this.#waiters = new RunWaiters(this.#store);
    this.#versions = new FlowVersions(this.#store);
    this.#errorFlows =
      (options.startErrorFlows ?? this.#adoptOrphans)
        ? new ErrorFlows({
            store: this.#store,
            versions: this.#versions,
            startRun: (request) => this.startRun(request),
            logger: this.#logger,
          })
        : null;
    this.#loop = new TickLoop<InboxItem>(
      (items) => this.#tick(items),
      (error) => this.#logger.error('scheduler tick failed', { error: (error as Error).message }),
    );
    this.#leases = new LeaseKeeper({
      store: this.#store,
      owner: this.owner,
      leaseMs: this.#leaseMs,
      everyMs: options.maintainEveryMs ?? 500,
      logger: this.#logger,
      activeRunIds: () => [...this.#active.keys()].filter((runId) => !this.#inserting.has(runId)),
      onCancelRequested: (runId) => {
        if (this.#active.has(runId)) this.#push({ type: 'cancel', runId });
      },
      onLost: (runIds) => this.#push({ type: 'lost', runIds }),
      afterRenew: async () => {
        if (this.#adoptOrphans && !this.#closed) await this.resumeOrphans();
      },
    });
    this.#transport.onSettled((result) => {
      // Statements that ran are audited even when the result itself is stale or ignored.
      if (result.audit?.length) this.#appendAudit(result.audit);
      this.#push({ type: 'settled', result });
    });
    this.#transport.onProgress((progress) => this.#push({ type: 'progress', progress }));
  }

  /** Appends the statements of one job's result, as done by whoever started its run. */
  #appendAudit(records: readonly SqlAuditRecord[]): void {
    const runId = records[0]!.runId;
    // Statements that ran against a warehouse stay audited across a store outage: written once it answers.
    retryThroughOutage(
      async () => {
        const stored = await this.#store.getRun(runId);
        const startedBy = stored?.run.startedBy ?? null;
        const actor = startedBy && auditActorOf(startedBy);
        await this.#store.audit.append(records.map((record) => sqlAuditDraft(record, actor)));
      },
      {
        logger: this.#logger,
        what: 'writing the SQL audit log',
        facts: { runId },
        stopped: () => this.#closed,
      },
    ).catch((error: Error) =>
      this.#logger.error('writing the SQL audit log failed', {
        error: error.message,
        runId,
        statements: records.length,
      }),
    );
  }

  /** Takes over runs whose owner is gone, then keeps leases fresh. */
  async start(): Promise<{ resumed: string[] }> {
    const resumed = this.#adoptOrphans ? await this.resumeOrphans() : [];
    this.#leases.start();
    return { resumed };
  }

  /** Events as they are committed (SSE, CLI progress). */
  onEvents(listener: (events: RunEvent[]) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  get activeRunCount(): number {
    return this.#active.size;
  }

  async startRun(request: StartRunRequest): Promise<RunRecord> {
    if (this.#closed) throw new R1flowError('INTERNAL', 'the orchestrator is shutting down');
    if (!request.idempotencyKey) return this.#startRun(request);
    // Concurrent requests with one key share the first one's run (the store's unique index
    // would otherwise fail the whole tick that tried to insert the second).
    const key = `${request.flowId}\u0000${request.idempotencyKey}`;
    const pending = this.#pendingIdempotent.get(key);
    if (pending) return pending;
    const started = (async () => {
      const existing = await this.#store.findRunByIdempotencyKey(request.flowId, request.idempotencyKey!);
      return existing ?? this.#startRun(request);
    })();
    this.#pendingIdempotent.set(key, started);
    try {
      return await started;
    } finally {
      this.#pendingIdempotent.delete(key);
    }
  }

  async #startRun(request: StartRunRequest): Promise<RunRecord> {
    // While a tick waits out an outage, a new run would wait with it; its caller hears now instead.
    if (this.#outage !== null) throw this.#outage;
    const source = request.rerun ? await this.#store.getRun(request.rerun.runId) : null;
    if (request.rerun && !source)
      throw new R1flowError('RUN_NOT_FOUND', `no run "${request.rerun.runId}" to re-run`);
    const version = request.version ?? source?.run.flowVersion;
    const stored = await this.#versions.get(request.flowId, version);
    if (!stored) {
      const which = version === undefined ? '' : ` version ${version}`;
      throw new R1flowError('FLOW_NOT_FOUND', `no flow "${request.flowId}"${which}`);
    }
    const flow = resolveStoredFlow(stored.document, this.#registry);
    if (request.rerun?.fromNode !== undefined && !flow.nodes.has(request.rerun.fromNode)) {
      throw new R1flowError(
        'NOT_FOUND',
        `flow ${stored.flowId} v${stored.version} has no node "${request.rerun.fromNode}"`,
      );
    }
    // A re-run keeps the history its source was shown; a caller's input never brings one.
    if (request.input !== undefined) checkNoCallerHistory(request.input);
    const given = request.input ?? source?.run.input ?? {};
    // Before zod and the store's JSON encoding, which both recurse on nested data.
    checkJsonDepth(given, 'input');
    checkRunInput(flow, given);
    const thread = await joinThread(this.#store, stored.flowId, request, given);
    const { record, nodes } = newRunRows({
      flow,
      flowId: stored.flowId,
      flowVersion: stored.version,
      input: thread?.input ?? given,
      threadId: thread?.threadId ?? null,
      request,
      source,
      ...(request.usePins ? { pins: await this.#store.pins.list(stored.flowId) } : {}),
      owner: this.owner,
      leaseMs: this.#leaseMs,
    });
    const run = activeRunFromStored(record, nodes, flow);
    // Resolves only once the run is in the store: a caller never gets the id of a run that is not.
    await new Promise<void>((resolve, reject) =>
      this.#push({
        type: 'adopt',
        run,
        insert: { record, nodes, ...(request.scheduleTick ? { scheduleTick: request.scheduleTick } : {}) },
        done: (error) => (error === undefined ? resolve() : reject(error)),
      }),
    );
    return record;
  }

  /** Cancels a run this process drives, or asks the owning process to. */
  async cancelRun(runId: string): Promise<void> {
    if (this.#active.has(runId)) {
      await new Promise<void>((done) => {
        this.#push({ type: 'cancel', runId });
        this.#loop.afterCurrent(done);
      });
      return;
    }
    const stored = await this.#store.getRunRecord(runId);
    if (!stored) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
    if (TERMINAL_RUN_STATUSES.has(stored.status)) {
      throw new R1flowError('RUN_NOT_ACTIVE', `run ${runId} already ${stored.status}`);
    }
    await this.#store.requestCancel(runId);
  }

  /** Resolves with the run once it is finished (or with its current state after `timeoutMs`). */
  waitForRun(
    runId: string,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<{ run: RunRecord; timedOut: boolean }> {
    return this.#waiters.wait(runId, timeoutMs);
  }

  /** Claims runs whose lease expired or whose owner process died, and continues them. */
  async resumeOrphans(): Promise<string[]> {
    const claimed = await claimOrphans(this.#store, this.owner, this.#leaseMs);
    const context = {
      store: this.#store,
      versions: this.#versions,
      registry: this.#registry,
      owner: this.owner,
    };
    const runs: ActiveRun[] = [];
    for (const runId of claimed) {
      if (this.#active.has(runId)) continue;
      const run = await loadForResume(runId, context);
      if (run) runs.push(run);
    }
    // Ask the transport last and adopt every run in the same turn, so that each result it
    // delivers from now on (e.g. one that waited in Redis) finds its run.
    const inFlight =
      runs.length > 0 ? await this.#transport.reconcile(runs.map((run) => run.id)) : new Set<string>();
    const adopted = runs.map((run) => {
      markInFlight(run, inFlight);
      return new Promise<void>((done) => this.#push({ type: 'adopt', run, done: () => done() }));
    });
    await Promise.all(adopted);
    if (claimed.length > 0) this.#logger.info('resumed runs', { count: claimed.length });
    return claimed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#leases.stop();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await this.#loop.idle();
    // Leases are left to expire on purpose: another process (or this one restarted) resumes the runs.
  }

  #push(item: InboxItem): void {
    this.#loop.push(item);
  }

  async #tick(items: InboxItem[]): Promise<void> {
    const tick = new Tick(Date.now());
    const touched = new Set<ActiveRun>();
    const retries: { runId: string; at: number }[] = [];
    const adopted: AdoptedRun[] = [];
    const due = new Set<ActiveRun>();
    const settled: JobResult[] = [];
    for (const item of items) {
      switch (item.type) {
        case 'adopt': {
          this.#adopt(item.run, item.insert, tick);
          touched.add(item.run);
          adopted.push({ runId: item.run.id, done: item.done });
          break;
        }
        case 'settled': {
          settled.push(item.result);
          const run = this.#active.get(item.result.runId);
          if (!run) break;
          const retryAt = applyResult(run, item.result, tick);
          if (retryAt !== null) retries.push({ runId: run.id, at: retryAt });
          touched.add(run);
          break;
        }
        case 'retry-due': {
          const run = this.#active.get(item.runId);
          if (run) {
            touched.add(run);
            due.add(run);
          }
          break;
        }
        case 'cancel': {
          const run = this.#active.get(item.runId);
          if (!run) break;
          endRun(run, 'CANCEL', null, tick);
          touched.add(run);
          break;
        }
        case 'progress':
          this.#recordProgress(item.progress, tick);
          break;
        case 'lost':
          this.#dropLost(item.runIds);
          break;
      }
    }
    for (const run of touched) advanceRun(run, tick);
    const { events, failed, lost, refused, abandoned, outage } = await this.#commit(tick, adopted);
    // Runs whose changes are not in the store must not dispatch, retry or report anything from this tick.
    const unstored = new Set([...lost, ...refused, ...abandoned, ...failed.map((f) => f.runId)]);
    // A result whose effect is not stored stays in the transport for the process that drives its run now.
    this.#transport.acknowledge(settled.filter((r) => !unstored.has(r.runId)).map((r) => r.jobId));
    this.#dropLost(lost);
    for (const runId of abandoned) this.#forget(runId);
    for (const { runId, done } of adopted) {
      if (lost.includes(runId))
        done(new R1flowError('RUN_LEASE_LOST', `another process took over run ${runId}`));
      else if (abandoned.includes(runId)) done(outage);
      else if (!unstored.has(runId)) done();
    }
    this.#emit(events);
    for (const run of touched) {
      if (unstored.has(run.id) || !TERMINAL_RUN_STATUSES.has(run.status)) continue;
      this.#forget(run.id);
      if (run.status === 'failed') this.#startErrorFlows(run);
    }
    for (const retry of retries) if (!unstored.has(retry.runId)) this.#armRetry(retry.runId, retry.at);
    // A timer may fire before `tick.now` reaches the retry time (timers run on the monotonic clock,
    // `now` is the wall clock, which can step back): the node is still waiting, so wait again.
    for (const run of due) if (!unstored.has(run.id)) this.#armWaitingRetries(run, tick.now);
    for (const jobId of tick.cancels) void this.#transport.cancel(jobId);
    const jobs = tick.jobs.filter((job) => !unstored.has(job.runId));
    if (jobs.length > 0) this.#submit(jobs, tick.now);
    for (const failure of failed) {
      await this.#failUnstored(failure, adopted.find((a) => a.runId === failure.runId)?.done);
    }
  }

  /** Commits the tick, waiting out a store outage (outage-commit.ts). */
  async #commit(tick: Tick, adopted: readonly AdoptedRun[]): Promise<OutageCommit> {
    try {
      return await commitThroughOutage(tick.allChanges(), {
        store: this.#store,
        owner: this.owner,
        logger: this.#logger,
        stopped: () => this.#closed,
        onHold: (outage, refused) => {
          this.#outage = outage;
          // Never stored: their callers hear it at once, not after the outage the tick waits out.
          for (const runId of refused) {
            this.#forget(runId);
            adopted.find((a) => a.runId === runId)?.done(outage);
          }
        },
      });
    } finally {
      for (const { runId } of adopted) this.#inserting.delete(runId);
    }
  }

  /** Not awaited: error flows start as new runs, in later ticks. */
  #startErrorFlows(run: ActiveRun): void {
    if (!this.#errorFlows || this.#closed) return;
    this.#errorFlows.runFailed(run).catch((error: unknown) =>
      this.#logger.error('could not look up error flows', {
        runId: run.id,
        error: (error as Error).message,
      }),
    );
  }

  /** A listener that throws (a broken SSE client) must not abort the tick that is mid-way. */
  #emit(events: RunEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (error) {
        this.#logger.error('a run event listener failed', { error: (error as Error).message });
      }
    }
  }

  /** Another process owns these runs now: stop driving them here (their jobs' results are ignored). */
  #dropLost(runIds: readonly string[]): void {
    for (const runId of runIds) {
      if (!this.#active.has(runId)) continue;
      this.#logger.warn('lost the lease on a run; another process drives it now', { runId });
      this.#forget(runId);
    }
  }

  /**
   * A run whose own changes could not be stored: a new run is refused to its caller (a scheduled one
   * whose tick was taken, with SCHEDULE_TICK_TAKEN as it is); a running one
   * is failed in the store (STORE_COMMIT_FAILED naming the node) and its waiters are released.
   */
  async #failUnstored(
    failure: RunCommitFailure,
    adoptDone: ((error?: unknown) => void) | undefined,
  ): Promise<void> {
    if (isR1flowError(failure.error) && failure.error.code === 'SCHEDULE_TICK_TAKEN') {
      // Not a failure: another process started this tick's run first, so this one was never stored.
      this.#forget(failure.runId);
      adoptDone?.(failure.error);
      return;
    }
    const run = this.#active.get(failure.runId);
    const error = storeCommitError(failure);
    this.#logger.error('store commit failed for a run; failing it', {
      runId: failure.runId,
      error: error.message,
    });
    if (run) {
      for (const node of run.nodes.values()) if (node.jobId) void this.#transport.cancel(node.jobId);
    }
    this.#forget(failure.runId);
    if (failure.changes.some((change) => change.kind === 'insertRun')) {
      adoptDone?.(new R1flowError(error.code, error.message, { retryable: false, cause: failure.error }));
      return;
    }
    adoptDone?.();
    try {
      const stored = await this.#store.getRun(failure.runId);
      if (!stored || TERMINAL_RUN_STATUSES.has(stored.run.status)) return;
      const events = await this.#store.commit(failStoredRunChanges(stored, error, Date.now()), {
        owner: this.owner,
      });
      this.#emit(events);
    } catch (secondError) {
      // Not even the failure could be written: the lease lapses and a restart resumes the run.
      this.#logger.error('could not record the failed run either', {
        runId: failure.runId,
        error: (secondError as Error).message,
      });
    } finally {
      this.#waiters.wake(failure.runId);
    }
  }

  #adopt(run: ActiveRun, insert: RunInsert | undefined, tick: Tick): void {
    this.#active.set(run.id, run);
    if (insert) {
      this.#inserting.add(run.id);
      if (insert.scheduleTick)
        tick.changes.push({ kind: 'claimFire', ...insert.scheduleTick, runId: run.id });
      tick.changes.push({ kind: 'insertRun', run: insert.record, nodes: insert.nodes });
      tick.event(run.id, 'run.queued', null, { flowId: run.flowId, flowVersion: run.flowVersion });
    }
    if (run.status === 'queued') {
      run.status = nextRunStatus(run.status, 'START');
      tick.changes.push({
        kind: 'updateRun',
        runId: run.id,
        patch: { status: run.status, startedAt: tick.now },
      });
      tick.event(run.id, 'run.started');
    }
    for (const node of run.nodes.values()) {
      if (node.status === 'running' && node.jobId === null) {
        // In flight when the previous owner died and not found in the transport: send it again.
        redispatchNode(run, node, tick);
      }
    }
    this.#armWaitingRetries(run, tick.now);
  }

  /** Arms the timers of the run's nodes that wait for a retry time still ahead of `now`. */
  #armWaitingRetries(run: ActiveRun, now: number): void {
    for (const node of run.nodes.values()) {
      if (node.status === 'ready' && node.retryAt !== null && node.retryAt > now)
        this.#armRetry(run.id, node.retryAt);
    }
  }

  #recordProgress(progress: JobProgress, tick: Tick): void {
    if (!this.#active.has(progress.runId)) return;
    const key = `${progress.runId}\u0000${progress.nodeId}`;
    const last = this.#lastProgress.get(key) ?? 0;
    if (tick.now - last < this.#progressEveryMs) return;
    this.#lastProgress.set(key, tick.now);
    tick.event(progress.runId, 'node.progress', progress.nodeId, {
      ...progress.progress,
      attempt: progress.attempt,
    });
  }

  /**
   * Hands jobs to the transport without waiting: a slow or failing transport (Redis down) must
   * not hold up ticks, and so cancels. A refusal comes back through the inbox as a failed attempt
   * of each job; retries follow the node's policy.
   */
  #submit(jobs: NodeJob[], dispatchedAt: number): void {
    if (!jobs.some(hasExpressions)) {
      this.#send(jobs, dispatchedAt);
      return;
    }
    void Promise.all(jobs.map((job) => this.#withParams(job, dispatchedAt))).then((resolved) => {
      const ready = resolved.filter((job): job is NodeJob => job !== null);
      if (ready.length > 0) this.#send(ready, dispatchedAt);
    });
  }

  /** The job with its param expressions evaluated; null (and a failed attempt) when one fails. */
  async #withParams(job: NodeJob, dispatchedAt: number): Promise<NodeJob | null> {
    const run = this.#active.get(job.runId);
    if (!run || !hasExpressions(job)) return job;
    try {
      return await resolveJobParams(job, run);
    } catch (error) {
      this.#pushFailure(job, serializeError(error), dispatchedAt);
      return null;
    }
  }

  #send(jobs: NodeJob[], dispatchedAt: number): void {
    this.#transport.submit(jobs).catch((error: unknown) => {
      const failure = serializeError(error, 'INTERNAL');
      for (const job of jobs) this.#pushFailure(job, { ...failure, retryable: true }, dispatchedAt);
    });
  }

  #pushFailure(job: NodeJob, error: SerializedError, dispatchedAt: number): void {
    this.#push({
      type: 'settled',
      result: {
        jobId: job.jobId,
        runId: job.runId,
        nodeId: job.nodeId,
        attempt: job.attempt,
        outcome: { ok: false, error },
        startedAt: dispatchedAt,
        finishedAt: Date.now(),
      },
    });
  }

  #armRetry(runId: string, at: number): void {
    const key = `${runId}@${at}`;
    if (this.#timers.has(key)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        this.#push({ type: 'retry-due', runId });
      },
      Math.max(0, at - Date.now()),
    );
    this.#timers.set(key, timer);
  }

  #forget(runId: string): void {
    this.#active.delete(runId);
    this.#transport.release([runId]);
    for (const [key, timer] of this.#timers) {
      if (key.startsWith(`${runId}@`)) {
        clearTimeout(timer);
        this.#timers.delete(key);
      }
    }
    for (const key of this.#lastProgress.keys())
      if (key.startsWith(`${runId}\u0000`)) this.#lastProgress.delete(key);
    this.#waiters.wake(runId);
  }
}
