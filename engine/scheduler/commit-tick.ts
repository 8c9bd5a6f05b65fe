// Commits a tick's changes. Normally one transaction for all runs (group commit). When it fails,
// each run's changes are committed on their own, so one poison run (an output the store cannot
// encode, a run another process took over) cannot take down the other runs of the same tick.
import type { R1flowError } from '../errors.ts';
import { isR1flowError } from '../errors.ts';
import type { RunEvent, StoreChange } from '../store/records.ts';
import { changeRunId } from '../store/records.ts';
import type { Store } from '../store/store.ts';

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
}

export async function commitTick(
  store: Store,
  owner: string,
  changes: readonly StoreChange[],
): Promise<TickCommit> {
  try {
    return { events: await store.commit(changes, { owner }), failed: [], lost: [] };
  } catch (error) {
    if (new Set(changes.map(changeRunId)).size <= 1) return oneRunFailed(changes, error);
  }
  const result: TickCommit = { events: [], failed: [], lost: [] };
  for (const [, runChanges] of groupByRun(changes)) {
    try {
      result.events.push(...(await store.commit(runChanges, { owner })));
    } catch (error) {
      const single = oneRunFailed(runChanges, error);
      result.failed.push(...single.failed);
      result.lost.push(...single.lost);
    }
  }
  return result;
}

function oneRunFailed(changes: readonly StoreChange[], error: unknown): TickCommit {
  if (isLeaseLost(error)) return { events: [], failed: [], lost: leaseLostRunIds(error) };
  const runId = changes[0] ? changeRunId(changes[0]) : '';
  return { events: [], failed: runId ? [{ runId, changes: [...changes], error }] : [], lost: [] };
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
