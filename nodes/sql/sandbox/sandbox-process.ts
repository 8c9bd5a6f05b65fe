// One child process of the sandbox pool: forks the sandbox child (compiled `sandbox-child.js` under
// plain node from dist/, `sandbox-child.ts` through tsx's ESM loader from the sources), runs one
// query at a time, reports its own death.
// Memory is bounded two ways: V8's heap flag (rows held in JS), and a watchdog here that reads the
// child's resident size while it runs and kills it past the cap. The watchdog is what bounds SQLite's
// own memory (blobs, sorts, group_concat live outside V8's heap): better-sqlite3 is built with
// SQLITE_DEFAULT_MEMSTATUS=0, so SQLite's soft/hard heap limits do nothing in the child.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RUNNING_FROM_SOURCES } from '../../../engine/package-root.ts';
import type { ChildMessage, ChildOutcome, ChildRequestMessage, QueryRequest } from './sql-outcome.ts';
import { failedOutcome } from './sql-outcome.ts';

const CHILD_ENTRY = fileURLToPath(
  new URL(RUNNING_FROM_SOURCES ? './sandbox-child.ts' : './sandbox-child.js', import.meta.url),
);
// tsx is a devDependency: resolved only when running the sources, where it is installed.
const LOADER_ARGS = RUNNING_FROM_SOURCES ? ['--import', import.meta.resolve('tsx/esm')] : [];
/** A crash's reason comes first (V8's "FATAL ERROR: …", an exception's message); stack traces follow. */
const STDERR_HEAD_CHARS = 4000;
const RSS_CHECK_MS = 50;
/** What V8 and SQLite print or answer when a limit is reached. */
const OUT_OF_MEMORY = /heap out of memory|allocation failed/i;

export interface SandboxMemoryLimits {
  maxHeapMb: number;
  maxRssMb: number;
}

export interface SandboxProcessEvents {
  /** The child has loaded its code and takes queries. */
  onReady(process: SandboxProcess): void;
  /** The child is gone, killed or crashed; `beforeReady` when it never became ready. */
  onExit(process: SandboxProcess, details: { beforeReady: boolean; reason: string }): void;
}

export class SandboxProcess {
  readonly #child: ChildProcess;
  readonly #events: SandboxProcessEvents;
  readonly #exited: Promise<void>;
  #markExited: () => void = () => {};
  #ready = false;
  #alive = true;
  #stderrHead = '';
  #running: { id: number; settle(outcome: ChildOutcome): void } | undefined;
  readonly #maxRssMb: number;
  #watchdog: NodeJS.Timeout | undefined;
  /** Resident MiB seen when the watchdog killed the child, if it did. */
  #killedAtRssMb: number | undefined;
  #deprioritized = false;

  constructor(limits: SandboxMemoryLimits, events: SandboxProcessEvents) {
    this.#events = events;
    this.#maxRssMb = limits.maxRssMb;
    this.#exited = new Promise((done) => {
      this.#markExited = done;
    });
    this.#child = fork(CHILD_ENTRY, [], {
      execArgv: [...LOADER_ARGS, `--max-old-space-size=${limits.maxHeapMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      if (this.#stderrHead.length < STDERR_HEAD_CHARS) {
        this.#stderrHead = (this.#stderrHead + chunk).slice(0, STDERR_HEAD_CHARS);
      }
    });
    // Messages come from our own child code (sandbox-child.ts), so their shape is ours.
    this.#child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        this.#ready = true;
        events.onReady(this);
      } else if (message.id === this.#running?.id) {
        this.#takeRunning()?.(message.outcome);
      }
    });
    // 'close' rather than 'exit': by then stderr has been read to the end (a crash's last words).
    this.#child.on('close', (code, signal) => this.#handleExit(signal ?? `exit code ${code}`));
    // A failed spawn may report 'error' without 'exit'.
    this.#child.on('error', (error) => {
      this.#child.kill('SIGKILL');
      this.#handleExit(error.message);
    });
    this.holdEventLoop(false);
  }

  /** Runs one query; a crash answers an `error` outcome. Call only when ready and idle. */
  run(id: number, request: QueryRequest): Promise<ChildOutcome> {
    return new Promise((settle) => {
      this.#running = { id, settle };
      this.#watchdog = setInterval(() => this.#checkRss(), RSS_CHECK_MS);
      this.#watchdog.unref();
      const message: ChildRequestMessage = { id, request };
      this.#child.send(message, (error) => {
        if (error) this.#child.kill('SIGKILL');
      });
    });
  }

  /** Whether `deprioritize` lowered this child's CPU priority (it cannot be raised back). */
  get deprioritized(): boolean {
    return this.#deprioritized;
  }

  /**
   * Lowers the child's CPU priority to the lowest (nice 19), so a long query yields the CPU to short
   * ones; an unprivileged process cannot raise it again, so the pool retires the child afterwards.
   */
  deprioritize(): void {
    const pid = this.#child.pid;
    if (pid === undefined || !this.#alive || this.#deprioritized) return;
    try {
      setPriority(pid, 19);
      this.#deprioritized = true;
    } catch {
      // The child exited meanwhile: nothing to lower.
    }
  }

  /** Stops the child at once (SIGKILL); the running query's promise is dropped, never settled. */
  kill(): void {
    clearInterval(this.#watchdog);
    this.#running = undefined;
    if (!this.#alive) return;
    // Keep the parent alive until the child is gone, so a caller awaiting exited() sees it happen.
    this.holdEventLoop(true);
    this.#child.kill('SIGKILL');
  }

  /** Whether this child keeps the parent's event loop alive (the pool holds it only while it has work). */
  holdEventLoop(hold: boolean): void {
    // The stderr pipe is a net.Socket at runtime; its type says Readable, which has no ref/unref.
    const handles = [this.#child, this.#child.channel, this.#child.stderr as Socket | null];
    for (const handle of handles) {
      if (hold) handle?.ref();
      else handle?.unref();
    }
  }

  /** Resolves once the child has exited. */
  exited(): Promise<void> {
    return this.#exited;
  }

  #handleExit(cause: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    const reason = cause + this.#describeStderr();
    this.#takeRunning()?.(this.#describeDeath(reason));
    this.#markExited();
    this.#events.onExit(this, { beforeReady: !this.#ready, reason });
  }

  #describeDeath(reason: string): ChildOutcome {
    if (this.#killedAtRssMb !== undefined) {
      const message = `the query used ${this.#killedAtRssMb} MiB of memory, past the limit of ${this.#maxRssMb} MiB, and was stopped`;
      return failedOutcome('error', 'SQL_MEMORY_LIMIT', message);
    }
    if (OUT_OF_MEMORY.test(reason)) {
      return failedOutcome(
        'error',
        'SQL_MEMORY_LIMIT',
        `the query ran out of its memory limit; the process running it died (${reason})`,
      );
    }
    return failedOutcome('error', 'SQL_ERROR', `the process running the query died (${reason})`);
  }

  #checkRss(): void {
    const pid = this.#child.pid;
    if (pid === undefined || !this.#alive) return;
    const rssMb = readRssMb(pid);
    if (rssMb === undefined || rssMb <= this.#maxRssMb) return;
    this.#killedAtRssMb = rssMb;
    this.#child.kill('SIGKILL');
  }

  #takeRunning(): ((outcome: ChildOutcome) => void) | undefined {
    clearInterval(this.#watchdog);
    const running = this.#running;
    this.#running = undefined;
    return running?.settle;
  }

  /** The line of the child's stderr that best says why it died (V8 prints "FATAL ERROR: …" on OOM). */
  #describeStderr(): string {
    const lines = this.#stderrHead
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const line = lines.find((candidate) => /error/i.test(candidate)) ?? lines[0];
    return line === undefined ? '' : `: ${line}`;
  }
}

/** Resident size of process `pid` in MiB, from Linux's /proc; undefined elsewhere or once it is gone. */
function readRssMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}
