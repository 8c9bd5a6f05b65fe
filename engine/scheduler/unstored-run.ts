// What to do with a run whose own changes could not be stored (commit-tick.ts): fail it in the
// store with STORE_COMMIT_FAILED, naming the node whose result was too much for the store, so the
// run ends visibly instead of staying `running` and re-running the poison node after a restart.
import type { SerializedError } from '../errors.ts';
import { jsonByteSize } from '../json-limits.ts';
import { TERMINAL_NODE_STATUSES } from '../run-machine.ts';
import type { StoreChange } from '../store/records.ts';
import type { StoredRun } from '../store/store.ts';
import type { RunCommitFailure } from './commit-tick.ts';

export function storeCommitError(failure: RunCommitFailure): SerializedError {
  // Largest output first: when the store cannot encode a result, the biggest one is the likely cause.
  const nodeIds = failure.changes
    .flatMap((change) =>
      change.kind === 'updateNode' && change.patch.output !== undefined
        ? [{ nodeId: change.nodeId, bytes: jsonByteSize(change.patch.output) }]
        : [],
    )
    .sort((a, b) => b.bytes - a.bytes)
    .map((node) => node.nodeId);
  const runOutput = failure.changes.some((c) => c.kind === 'updateRun' && c.patch.output !== undefined);
  const what =
    nodeIds.length > 0
      ? `the result of node ${nodeIds.map((id) => `"${id}"`).join(', ')}`
      : runOutput
        ? 'the run output'
        : 'the run state';
  const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
  return {
    code: 'STORE_COMMIT_FAILED',
    message: `the store could not save ${what}: ${reason}`,
    retryable: false,
    ...(nodeIds[0] === undefined ? {} : { nodeId: nodeIds[0] }),
    data: { nodeIds },
  };
}

/** Changes that fail the stored run: the named nodes fail, the rest of the unfinished ones are cancelled. */
export function failStoredRunChanges(stored: StoredRun, error: SerializedError, now: number): StoreChange[] {
  const runId = stored.run.id;
  const failedNodes = new Set((error.data?.nodeIds as string[] | undefined) ?? []);
  const changes: StoreChange[] = [];
  for (const node of stored.nodes) {
    if (TERMINAL_NODE_STATUSES.has(node.status)) continue;
    const failed = failedNodes.has(node.nodeId);
    changes.push({
      kind: 'updateNode',
      runId,
      nodeId: node.nodeId,
      patch: failed ? { status: 'failed', error, finishedAt: now } : { status: 'cancelled', finishedAt: now },
    });
    changes.push({
      kind: 'event',
      event: {
        runId,
        type: failed ? 'node.failed' : 'node.cancelled',
        nodeId: node.nodeId,
        data: failed ? { error } : null,
        at: now,
      },
    });
  }
  changes.push({ kind: 'updateRun', runId, patch: { status: 'failed', error, finishedAt: now } });
  changes.push({
    kind: 'event',
    event: { runId, type: 'run.failed', nodeId: null, data: { error }, at: now },
  });
  return changes;
}
