// Commits a tick's changes. Normally one transaction for all runs (group commit). When it fails,
// each run's changes are committed on their own, so one poison run (an output the store cannot
// encode, a run another process took over) cannot take down the other runs of the same tick.
// A store that cannot be reached is no run's fault: those changes come back unapplied, to be
// committed again once it answers (outage-commit.ts).
import type { R1flowError } from '../errors.ts';
import { isR1flowError } from '../errors.ts';
import type { RunEvent, StoreChange } from '../store/records.ts';
import { changeRunId } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { isStoreUnavailable } from '../store/store-outage.ts';

export interface RunCommitFailure {
  runId: string;
  /** The run's changes that could not be stored. */
  changes: StoreChange[];
  error: unknown;
}

export interface TickCommit {
  events: RunEvent[];
  /** Runs whose own changes failed to commit. */
  failed: RunCommitFailure[];
  /** Runs another process owns now (fenced out): nothing of theirs was written. */
  lost: string[];
  /** Changes not written because the store could not be reached (none: an empty list). */
  unreached: StoreChange[];
  /** The STORE_UNAVAILABLE error behind `unreached`. */
  outage?: unknown;
}

export async function commitTick(
  store: Store,
  owner: string,
  changes: readonly StoreChange[],
): Promise<TickCommit> {
  try {
    return { events: await store.commit(changes, { owner }), failed: [], lost: [], unreached: [] };
  } catch (error) {
    // Committing run by run would only meet the same outage once per run.
    if (isStoreUnavailable(error) || new Set(changes.map(changeRunId)).size <= 1)
      return oneRunFailed(changes, error);
  }
  const result: TickCommit = { events: [], failed: [], lost: [], unreached: [] };
  for (const [, runChanges] of groupByRun(changes)) {
    try {
      result.events.push(...(await store.commit(runChanges, { owner })));
    } catch (error) {
      const single = oneRunFailed(runChanges, error);
      result.failed.push(...single.failed);
      result.lost.push(...single.lost);
      result.unreached.push(...single.unreached);
      result.outage ??= single.outage;
    }
  }
  return result;
}

function oneRunFailed(changes: readonly StoreChange[], error: unknown): TickCommit {
  const none: TickCommit = { events: [], failed: [], lost: [], unreached: [] };
  if (isStoreUnavailable(error)) return { ...none, unreached: [...changes], outage: error };
  if (isLeaseLost(error)) return { ...none, lost: leaseLostRunIds(error) };
  const runId = changes[0] ? changeRunId(changes[0]) : '';
  return { ...none, failed: runId ? [{ runId, changes: [...changes], error }] : [] };
}

function isLeaseLost(error: unknown): error is R1flowError {
  return isR1flowError(error) && error.code === 'RUN_LEASE_LOST';
}

function leaseLostRunIds(error: R1flowError): string[] {
  return (error.data?.runIds as string[] | undefined) ?? [];
}

function groupByRun(changes: readonly StoreChange[]): Map<string, StoreChange[]> {
  const byRun = new Map<string, StoreChange[]>();
  for (const change of changes) {
    const runId = changeRunId(change);
    const list = byRun.get(runId);
    if (list) list.push(change);
    else byRun.set(runId, [change]);
  }
  return byRun;
}
