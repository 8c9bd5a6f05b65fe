// Time source for the schedule runner: production reads the wall clock and arms real timers;
// tests pass a clock they move by hand so no test waits for a real cron tick.

/** Cancels a timer armed by `Clock.setTimer`; calling it after the timer ran does nothing. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    // A pending schedule must not keep the process alive after the server closed.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
