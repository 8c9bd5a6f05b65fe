// Callers waiting for a run to finish (`?wait=`, sync webhooks, the CLI). Runs this process drives
// wake their waiters when they end — finished, failed by a store error, or lost to another
// process; runs of other processes are polled in the store. A store outage tells nothing about
// the run: waiters keep polling through it until their own deadline.
import { R1flowError } from '../errors.ts';
import { TERMINAL_RUN_STATUSES } from '../run-machine.ts';
import type { RunRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { isStoreUnavailable } from '../store/store-outage.ts';

const POLL_MS = 200;

export class RunWaiters {
  readonly #store: Store;
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Resolves with the run once it is finished (or with its current state after `timeoutMs`). */
  async wait(runId: string, timeoutMs: number): Promise<{ run: RunRecord; timedOut: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Register before reading, so a completion between the read and the wait still wakes us.
      let wake: () => void = () => {};
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const list = this.#waiters.get(runId) ?? new Set();
      list.add(wake);
      this.#waiters.set(runId, list);
      try {
        const stored = await this.#read(runId, deadline);
        const left = deadline - Date.now();
        if (stored === null) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
        if (stored && (TERMINAL_RUN_STATUSES.has(stored.status) || left <= 0)) {
          return { run: stored, timedOut: !TERMINAL_RUN_STATUSES.has(stored.status) };
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, POLL_MS)))),
        ]);
        clearTimeout(timer);
      } finally {
        this.#drop(runId, wake);
      }
    }
  }

  /** The run, or undefined while the store is unavailable and the deadline still ahead. */
  async #read(runId: string, deadline: number): Promise<RunRecord | null | undefined> {
    try {
      return await this.#store.getRunRecord(runId);
    } catch (error) {
      if (isStoreUnavailable(error) && Date.now() < deadline) return undefined;
      throw error;
    }
  }

  /** Wakes everyone waiting for `runId`; each re-reads the store. */
  wake(runId: string): void {
    const list = this.#waiters.get(runId);
    this.#waiters.delete(runId);
    for (const wake of list ?? []) wake();
  }

  #drop(runId: string, wake: () => void): void {
    const list = this.#waiters.get(runId);
    if (!list) return;
    list.delete(wake);
    if (list.size === 0) this.#waiters.delete(runId);
  }
}
