// Runs untrusted SQL in a pool of child processes. better-sqlite3 cannot interrupt a running query
// and a worker thread cannot be stopped while one runs (`worker.terminate()` waits for it), so a
// query past its timeout is stopped by SIGKILL of its whole process. The pool keeps `size` queries
// running, `spares` started children idle so a killed one is replaced off the critical path, and
// queues what does not fit. Idle, it does not keep the parent process alive.
// Fairness: queries carry an `owner` (a run). Queued queries are taken round-robin across owners, and
// one owner holds at most `maxPerOwner` children (default size - 1): a free child must already be
// there when another run's question arrives, since a run sending runaways would otherwise hold every
// child until its timeouts, and taking a child back would kill a query that did nothing wrong. A
// query still running after `deprioritizeAfterMs` gets the lowest CPU priority, so on a busy host
// runaways yield the CPU to other runs' short queries; its child is then replaced once it is done.
import { performance } from 'node:perf_hooks';
import { R1flowError } from '../../../engine/errors.ts';
import { SandboxProcess } from './sandbox-process.ts';
import type { ChildOutcome, SqlOutcome, SqlRequest } from './sql-outcome.ts';
import { failedOutcome } from './sql-outcome.ts';
import type { SqlSandboxPoolOptions } from './sql-sandbox-pool-options.ts';
import {
  type CompiledSqlSandboxPoolOptions,
  compileSqlSandboxPoolOptions,
} from './sql-sandbox-pool-options.ts';

export interface ExecuteOptions {
  /** Aborting drops a queued query, or kills the child running it; `execute` then rejects with NODE_CANCELLED. */
  signal?: AbortSignal;
  /** Who asks (e.g. a run id): owners share the children fairly. Without one, the query is its own owner. */
  owner?: string;
}

interface Job {
  readonly id: number;
  readonly owner: string;
  readonly request: SqlRequest;
  readonly resolve: (outcome: SqlOutcome) => void;
  readonly reject: (error: R1flowError) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

interface RunningJob {
  readonly process: SandboxProcess;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  readonly slowTimer: NodeJS.Timeout;
}

export class SqlSandboxPool {
  readonly options: CompiledSqlSandboxPoolOptions;
  readonly #processes = new Set<SandboxProcess>();
  readonly #idle: SandboxProcess[] = [];
  /** Queued jobs per owner; Map order is the round-robin order (an owner served moves to the back). */
  readonly #queues = new Map<string, Job[]>();
  readonly #running = new Map<Job, RunningJob>();
  readonly #readyWaiters: { resolve(): void; reject(error: R1flowError): void }[] = [];
  #startFailures = 0;
  #failure: R1flowError | undefined;
  #closed = false;
  #nextId = 1;

  constructor(options: SqlSandboxPoolOptions = {}) {
    this.options = compileSqlSandboxPoolOptions(options);
    for (let i = 0; i < this.options.size + this.options.spares; i += 1) this.#spawn();
  }

  /** Resolves once every child has started, e.g. before timing queries. */
  whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#notifyReadyWaiters();
      this.#holdEventLoop();
    });
  }

  /** Runs one query in a child; answers every SQL failure as an outcome, rejects only on cancel or a broken pool. */
  execute(request: SqlRequest, options: ExecuteOptions = {}): Promise<SqlOutcome> {
    const { signal, owner } = options;
    const unavailable = this.#closed ? closedError() : this.#failure;
    if (unavailable) return Promise.reject(unavailable);
    if (signal?.aborted) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const job: Job = {
        id,
        owner: owner ?? `#${id}`,
        request,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abort(job),
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      const queue = this.#queues.get(job.owner);
      if (queue) queue.push(job);
      else this.#queues.set(job.owner, [job]);
      this.#pump();
    });
  }

  /** Kills every child and rejects what is queued or running. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#takeQueued()) this.#reject(job, closedError());
    for (const [job, running] of this.#running) {
      clearTimers(running);
      this.#reject(job, closedError());
    }
    this.#running.clear();
    const processes = [...this.#processes];
    this.#processes.clear();
    this.#idle.length = 0;
    for (const process of processes) process.kill();
    this.#notifyReadyWaiters();
    await Promise.all(processes.map((process) => process.exited()));
  }

  #pump(): void {
    while (this.#running.size < this.options.size && this.#idle.length > 0) {
      const job = this.#nextJob();
      if (!job) break;
      this.#dispatch(this.#idle.pop() as SandboxProcess, job);
    }
    this.#holdEventLoop();
  }

  /** The first queued job, round-robin over owners, whose owner is below its share of children. */
  #nextJob(): Job | undefined {
    const held = new Map<string, number>();
    for (const job of this.#running.keys()) held.set(job.owner, (held.get(job.owner) ?? 0) + 1);
    for (const [owner, queue] of this.#queues) {
      if ((held.get(owner) ?? 0) >= this.options.maxPerOwner) continue;
      const job = queue.shift() as Job;
      this.#queues.delete(owner);
      if (queue.length > 0) this.#queues.set(owner, queue); // to the back of the round
      return job;
    }
    return undefined;
  }

  #takeQueued(): Job[] {
    const jobs = [...this.#queues.values()].flat();
    this.#queues.clear();
    return jobs;
  }

  #dispatch(process: SandboxProcess, job: Job): void {
    const { timeoutMs, ...query } = job.request;
    const timer = setTimeout(() => {
      const message = `the query ran longer than ${timeoutMs} ms and was stopped`;
      this.#finish(job, failedOutcome('timeout', 'SQL_TIMEOUT', message));
      this.#retire(process);
      this.#pump(); // a spare takes the next queued query now, not when the replacement has started
    }, timeoutMs);
    const slowTimer = setTimeout(() => process.deprioritize(), this.options.deprioritizeAfterMs);
    this.#running.set(job, { process, startedAt: performance.now(), timer, slowTimer });
    void process.run(job.id, query).then((outcome) => {
      if (!this.#running.has(job)) return; // timed out or cancelled meanwhile
      this.#finish(job, outcome);
      // A child that crashed has already left #processes (and is being replaced).
      if (process.deprioritized) this.#retire(process);
      else if (this.#processes.has(process)) this.#idle.push(process);
      this.#pump();
    });
  }

  #finish(job: Job, outcome: ChildOutcome): void {
    const running = this.#running.get(job);
    if (!running) return;
    clearTimers(running);
    this.#running.delete(job);
    job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve({ ...outcome, durationMs: performance.now() - running.startedAt });
  }

  #abort(job: Job): void {
    const queue = this.#queues.get(job.owner);
    const queued = queue?.indexOf(job) ?? -1;
    if (queue && queued >= 0) {
      queue.splice(queued, 1);
      if (queue.length === 0) this.#queues.delete(job.owner);
    }
    const running = this.#running.get(job);
    if (running) {
      clearTimers(running);
      this.#running.delete(job);
      this.#retire(running.process);
    }
    this.#reject(job, cancelledError());
    this.#pump();
  }

  #reject(job: Job, error: R1flowError): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    job.reject(error);
  }

  /** Kills a child on purpose and starts its replacement; idle spares take its work meanwhile. */
  #retire(process: SandboxProcess): void {
    process.kill();
    if (this.#processes.delete(process)) this.#spawn();
  }

  #spawn(): void {
    if (this.#closed || this.#failure) return;
    const process = new SandboxProcess(this.options, {
      onReady: (ready) => this.#handleReady(ready),
      onExit: (gone, details) => this.#handleExit(gone, details),
    });
    this.#processes.add(process);
    this.#holdEventLoop();
  }

  #handleReady(process: SandboxProcess): void {
    if (!this.#processes.has(process)) return;
    this.#startFailures = 0;
    this.#idle.push(process);
    this.#pump();
    this.#notifyReadyWaiters();
  }

  /** A child died without being retired: crashed, killed from outside, or failed to start. */
  #handleExit(process: SandboxProcess, details: { beforeReady: boolean; reason: string }): void {
    if (!this.#processes.delete(process)) return;
    const idle = this.#idle.indexOf(process);
    if (idle >= 0) this.#idle.splice(idle, 1);
    if (details.beforeReady && ++this.#startFailures >= this.options.maxStartFailures) {
      this.#failWith(
        new R1flowError('INTERNAL', `SQL sandbox processes die while starting (${details.reason})`, {
          data: { reason: details.reason },
        }),
      );
      return;
    }
    this.#spawn();
  }

  #failWith(error: R1flowError): void {
    this.#failure = error;
    for (const job of this.#takeQueued()) this.#reject(job, error);
    this.#notifyReadyWaiters();
  }

  #notifyReadyWaiters(): void {
    const problem = this.#closed ? closedError() : this.#failure;
    const started = this.#idle.length + this.#running.size >= this.options.size + this.options.spares;
    if (!problem && !started) return;
    for (const waiter of this.#readyWaiters.splice(0)) {
      if (problem) waiter.reject(problem);
      else waiter.resolve();
    }
  }

  /** Children keep this process alive only while someone waits on the pool. */
  #holdEventLoop(): void {
    const hold = this.#queues.size > 0 || this.#running.size > 0 || this.#readyWaiters.length > 0;
    for (const process of this.#processes) process.holdEventLoop(hold);
  }
}

function clearTimers(running: RunningJob): void {
  clearTimeout(running.timer);
  clearTimeout(running.slowTimer);
}

function cancelledError(): R1flowError {
  return new R1flowError('NODE_CANCELLED', 'the query was cancelled');
}

function closedError(): R1flowError {
  return new R1flowError('NODE_CANCELLED', 'the SQL sandbox pool is closed');
}
