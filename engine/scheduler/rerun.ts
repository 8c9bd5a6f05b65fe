// Re-running from a node: every node that is not the chosen node or downstream of it keeps the
// outcome of the earlier run (outputs reused, marked `reused`), the rest runs again.
import type { NodeRunRecord } from '../store/records.ts';
import type { ResolvedFlow } from '../validate-flow.ts';

export function reusedNodeRows(
  flow: ResolvedFlow,
  previous: readonly NodeRunRecord[],
  fresh: NodeRunRecord[],
  fromNode: string | undefined,
): void {
  if (fromNode === undefined) return;
  const rerun = downstreamOf(flow, fromNode);
  const before = new Map(previous.map((row) => [row.nodeId, row]));
  for (const row of fresh) {
    const old = before.get(row.nodeId);
    if (rerun.has(row.nodeId) || !old || (old.status !== 'succeeded' && old.status !== 'skipped')) continue;
    Object.assign(row, {
      status: old.status,
      attempt: old.attempt,
      input: old.input,
      output: old.output,
      startedAt: old.startedAt,
      finishedAt: old.finishedAt,
      durationMs: old.durationMs,
      reused: true,
    });
  }
}

function downstreamOf(flow: ResolvedFlow, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of flow.nodes.get(queue.shift()!)?.downstream ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
