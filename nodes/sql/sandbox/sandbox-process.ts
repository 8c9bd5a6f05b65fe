// One child process of the sandbox pool: forks the sandbox child (compiled `sandbox-child.js` under
// plain node from dist/, `sandbox-child.ts` through tsx's ESM loader from the sources), runs one
// query at a time, reports its own death.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
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

  constructor(maxHeapMb: number, events: SandboxProcessEvents) {
    this.#events = events;
    this.#exited = new Promise((done) => {
      this.#markExited = done;
    });
    this.#child = fork(CHILD_ENTRY, [], {
      execArgv: [...LOADER_ARGS, `--max-old-space-size=${maxHeapMb}`],
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
      const message: ChildRequestMessage = { id, request };
      this.#child.send(message, (error) => {
        if (error) this.#child.kill('SIGKILL');
      });
    });
  }

  /** Stops the child at once (SIGKILL); the running query's promise is dropped, never settled. */
  kill(): void {
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
    this.#takeRunning()?.(
      failedOutcome('error', 'SQL_ERROR', `the process running the query died (${reason})`),
    );
    this.#markExited();
    this.#events.onExit(this, { beforeReady: !this.#ready, reason });
  }

  #takeRunning(): ((outcome: ChildOutcome) => void) | undefined {
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
