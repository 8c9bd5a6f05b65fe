// Shares a fixed number of slots (a pool's connections) between owners (runs): waiting requests are
// served round-robin across owners, and one owner holds at most `maxPerOwner` slots, so a run that
// sends eight pg_sleep candidates leaves a slot free for the next run's question instead of making
// it wait out the timeouts. The same rule as the SQLite sandbox pool's children.
import { R1flowError } from '../../../engine/errors.ts';

interface Waiter {
  owner: string;
  grant: () => void;
}

export class FairSlots {
  readonly size: number;
  readonly maxPerOwner: number;
  readonly #held = new Map<string, number>();
  /** Waiters per owner; Map order is the round-robin order (an owner served moves to the back). */
  readonly #queues = new Map<string, Waiter[]>();
  #inUse = 0;

  constructor(size: number, maxPerOwner = Math.max(1, size - 1)) {
    this.size = size;
    this.maxPerOwner = maxPerOwner;
  }

  /** Resolves with the slot's release function; rejects with NODE_CANCELLED when `signal` aborts first. */
  acquire(owner: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser(owner));
        },
      };
      const onAbort = () => {
        const queue = this.#queues.get(owner) ?? [];
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        if (queue.length === 0) this.#queues.delete(owner);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.#queues.get(owner);
      if (queue) queue.push(waiter);
      else this.#queues.set(owner, [waiter]);
      this.#pump();
    });
  }

  #releaser(owner: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse -= 1;
      const held = (this.#held.get(owner) ?? 1) - 1;
      if (held === 0) this.#held.delete(owner);
      else this.#held.set(owner, held);
      this.#pump();
    };
  }

  #pump(): void {
    while (this.#inUse < this.size) {
      const waiter = this.#next();
      if (waiter === undefined) return;
      this.#inUse += 1;
      this.#held.set(waiter.owner, (this.#held.get(waiter.owner) ?? 0) + 1);
      waiter.grant();
    }
  }

  #next(): Waiter | undefined {
    for (const [owner, queue] of this.#queues) {
      if ((this.#held.get(owner) ?? 0) >= this.maxPerOwner) continue;
      const waiter = queue.shift() as Waiter;
      this.#queues.delete(owner);
      if (queue.length > 0) this.#queues.set(owner, queue); // to the back of the round
      return waiter;
    }
    return undefined;
  }
}

function cancelled(): R1flowError {
  return new R1flowError('NODE_CANCELLED', 'the query was cancelled');
}
