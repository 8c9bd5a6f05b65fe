// Commits a tick through a store outage. The runs in memory already hold the tick's decisions and
// nothing of the tick is dispatched before its changes are stored, so the changes are kept and
// committed again, with growing delays, until the store answers: the tick (and with it the whole
// scheduler loop, whose next items wait in the inbox) pauses instead of failing runs. New runs are
// the exception: their callers are waiting for an answer, so they are refused with
// STORE_UNAVAILABLE (503: try again later) rather than held for as long as the outage lasts.
import type { Logger } from '../define-node.ts';
import type { StoreChange } from '../store/records.ts';
import { changeRunId } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { outageDelayMs, sleep } from '../store/store-outage.ts';
import { commitTick, type TickCommit } from './commit-tick.ts';

export interface OutageCommit extends Omit<TickCommit, 'unreached' | 'outage'> {
  /** New runs never stored, refused to their callers with `outage`. */
  refused: string[];
  /** Runs whose changes were still unwritten when the orchestrator stopped waiting (it closed). */
  abandoned: string[];
  /** The STORE_UNAVAILABLE error that met the tick, if one did. */
  outage?: unknown;
}

export interface OutageCommitOptions {
  store: Store;
  owner: string;
  logger: Logger;
  /** True once waiting is pointless (the orchestrator is closing). */
  stopped: () => boolean;
  /**
   * Hears the outage and the refused new runs as soon as it is met (their callers need not wait
   * for the store), and null once the held changes are committed or abandoned.
   */
  onHold: (outage: unknown, refused: readonly string[]) => void;
}

export async function commitThroughOutage(
  changes: readonly StoreChange[],
  options: OutageCommitOptions,
): Promise<OutageCommit> {
  const { store, owner, logger } = options;
  const first = await commitTick(store, owner, changes);
  const result: OutageCommit = {
    events: first.events,
    failed: first.failed,
    lost: first.lost,
    refused: [],
    abandoned: [],
  };
  if (first.unreached.length === 0) return result;
  result.outage = first.outage;
  result.refused = newRunIds(first.unreached);
  const refused = new Set(result.refused);
  const pending = first.unreached.filter((change) => !refused.has(changeRunId(change)));
  options.onHold(first.outage, result.refused);
  const since = Date.now();
  try {
    if (pending.length === 0) return result;
    await retryUntilStored(pending, result, options);
  } finally {
    options.onHold(null, []);
  }
  if (result.abandoned.length === 0)
    logger.info('the store answers again; the held tick is committed', { waitedMs: Date.now() - since });
  return result;
}

async function retryUntilStored(
  held: StoreChange[],
  result: OutageCommit,
  options: OutageCommitOptions,
): Promise<void> {
  const { store, owner, logger } = options;
  let pending = held;
  logger.warn('the store is unavailable; holding the tick until it answers (no run is failed for it)', {
    runs: runIdsOf(pending).length,
    refusedNewRuns: result.refused.length,
    error: (result.outage as Error).message,
  });
  for (let retry = 1; pending.length > 0; retry++) {
    if (options.stopped()) {
      // Nothing of theirs is written; their leases lapse and a restarted process resumes them.
      result.abandoned = runIdsOf(pending);
      logger.warn('closing during a store outage; runs resume from their stored state', {
        runs: result.abandoned.length,
      });
      return;
    }
    await sleep(outageDelayMs(retry));
    const next = await commitTick(store, owner, pending);
    result.events.push(...next.events);
    result.failed.push(...next.failed);
    result.lost.push(...next.lost);
    pending = next.unreached;
  }
}

/** Runs the changes insert: new runs, not yet in the store. */
function newRunIds(changes: readonly StoreChange[]): string[] {
  return changes.flatMap((change) => (change.kind === 'insertRun' ? [change.run.id] : []));
}

function runIdsOf(changes: readonly StoreChange[]): string[] {
  return [...new Set(changes.map(changeRunId))];
}
