// Fenced commits, as every store decides them: which runs a batch must still own, and the error
// that refuses the batch when it lost some.
import { R1flowError } from '../errors.ts';
import { changeRunId, type StoreChange } from './records.ts';

/** The runs a batch touches, in the order it first touches them, less the runs it inserts itself. */
export function runsToFence(changes: readonly StoreChange[]): string[] {
  const inserted = new Set<string>();
  const touched = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'insertRun') inserted.add(change.run.id);
    else touched.add(changeRunId(change));
  }
  return [...touched].filter((runId) => !inserted.has(runId));
}

export function runLeaseLost(owner: string, lost: readonly string[]): R1flowError {
  return new R1flowError(
    'RUN_LEASE_LOST',
    `${owner} no longer owns run${lost.length === 1 ? '' : 's'} ${lost.join(', ')}; another process took ${lost.length === 1 ? 'it' : 'them'} over`,
    { data: { runIds: [...lost] } },
  );
}
