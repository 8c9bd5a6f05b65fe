// The orchestrator's inbox: items (results, timers, cancels, new runs) queue up and are handled
// by one tick at a time. A tick starts on the next turn of the event loop (setImmediate), so every
// result that resolved in this turn joins it and shares its commit.
export class TickLoop<Item> {
  readonly #handle: (items: Item[]) => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #inbox: Item[] = [];
  #scheduled = false;
  #ticking: Promise<void> = Promise.resolve();

  /** `onError` hears what a tick threw; the loop goes on with the next tick. */
  constructor(handle: (items: Item[]) => Promise<void>, onError: (error: unknown) => void) {
    this.#handle = handle;
    this.#onError = onError;
  }

  push(item: Item): void {
    this.#inbox.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#ticking = this.#ticking.then(() => this.#run()).catch(this.#onError);
    });
  }

  /** Calls `done` once the ticks queued so far have finished. */
  afterCurrent(done: () => void): void {
    this.#ticking = this.#ticking.then(done, done);
  }

  /** Resolves when the tick in progress (if any) has finished. */
  idle(): Promise<void> {
    return this.#ticking;
  }

  async #run(): Promise<void> {
    const items = this.#inbox;
    this.#inbox = [];
    if (items.length > 0) await this.#handle(items);
  }
}
