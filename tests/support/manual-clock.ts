// A clock the test moves by hand, for the schedule runner: time stands still until the test
// fires the next timer, and a test can await the moment a timer is armed instead of sleeping.
import type { CancelTimer, Clock } from '../../server/triggers/clock.ts';

interface Timer {
  at: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  readonly #timers = new Set<Timer>();
  #onArmed: Array<() => void> = [];

  constructor(start: Date | number) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): CancelTimer {
    const timer = { at: this.#now + ms, callback };
    this.#timers.add(timer);
    const waiters = this.#onArmed;
    this.#onArmed = [];
    for (const resolve of waiters) resolve();
    return () => this.#timers.delete(timer);
  }

  /** Timers armed and not yet run or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the earliest pending timer is due (ms since the epoch), or undefined when none is. */
  get nextAt(): number | undefined {
    return this.#earliest()?.at;
  }

  /** Resolves once some timer is pending (the runner re-arms after an asynchronous fire). */
  async armed(): Promise<void> {
    while (this.#timers.size === 0) await new Promise<void>((resolve) => this.#onArmed.push(resolve));
  }

  /** Moves time to the earliest pending timer and runs it; returns the new time. */
  fireNext(): number {
    const timer = this.#earliest();
    if (!timer) throw new Error('ManualClock.fireNext: no timer is pending');
    this.#timers.delete(timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
    return this.#now;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let timer = this.#earliest(); timer && timer.at <= until; timer = this.#earliest()) this.fireNext();
    this.#now = until;
  }

  #earliest(): Timer | undefined {
    let earliest: Timer | undefined;
    for (const timer of this.#timers) if (!earliest || timer.at < earliest.at) earliest = timer;
    return earliest;
  }
}
