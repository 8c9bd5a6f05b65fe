// A store that cannot be reached (PostgreSQL stopped, restarting or cut off) answers
// STORE_UNAVAILABLE. An outage is not a verdict on the work that met it: what must outlive one (a
// scheduler tick's commit, SQL audit entries, a scheduled tick) waits it out here, retried with
// growing delays until the store answers again or its owner stops.
import type { Logger } from '../define-node.ts';
import { isR1flowError } from '../errors.ts';

export function isStoreUnavailable(error: unknown): boolean {
  return isR1flowError(error) && error.code === 'STORE_UNAVAILABLE';
}

/**
 * First and longest wait between tries. A try against a server that is down is one refused
 * connection, so the cap is kept short: work resumes within a second of the store coming back.
 */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;

/** Milliseconds before try number `retry` (1 for the first retry): doubling, capped. */
export function outageDelayMs(retry: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, retry - 1), MAX_DELAY_MS);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface OutageRetry {
  logger: Logger;
  /** What is retried, for the log: "writing the SQL audit log". */
  what: string;
  /** Log facts (ids) added to each line. */
  facts?: Record<string, unknown>;
  /** True once the caller gives up (shutting down, or the work is no longer wanted): the last error is thrown. */
  stopped: () => boolean;
}

/**
 * Runs `work`, and again after each STORE_UNAVAILABLE until it succeeds or `stopped()`; any other
 * error is thrown at once. The outage is logged once when it starts and once when it ends.
 */
export async function retryThroughOutage<T>(work: () => Promise<T>, options: OutageRetry): Promise<T> {
  const { logger, what, facts } = options;
  let since = 0;
  for (let retry = 1; ; retry++) {
    try {
      const result = await work();
      if (since > 0)
        logger.info(`${what}: the store answers again`, { ...facts, waitedMs: Date.now() - since });
      return result;
    } catch (error) {
      if (!isStoreUnavailable(error) || options.stopped()) throw error;
      if (since === 0) {
        since = Date.now();
        logger.warn(`${what}: the store is unavailable; retrying until it answers`, {
          ...facts,
          error: (error as Error).message,
        });
      }
      await sleep(outageDelayMs(retry));
    }
  }
}
