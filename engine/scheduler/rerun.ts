// Node rows a new run starts with an outcome already in hand, so the node never runs:
// - re-running from a node: every node that is not the chosen node or downstream of it keeps the
//   outcome of the earlier run (outputs reused, marked `reused`);
// - pinned outputs (runs started from the editor): a node with a pin for its current type takes the
//   pinned output (marked `pinned`), whatever the re-run said.
import type { PinRecord } from '../store/pin-records.ts';
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
    carryOutcome(row, old, 'reused');
  }
}

export function pinnedNodeRows(pins: readonly PinRecord[], fresh: NodeRunRecord[], now: number): void {
  const byNode = new Map(pins.map((pin) => [pin.nodeId, pin]));
  for (const row of fresh) {
    const pin = byNode.get(row.nodeId);
    if (!pin || pin.nodeKey !== row.nodeKey) continue;
    carryOutcome(
      row,
      {
        status: 'succeeded',
        attempt: 0,
        input: null,
        output: pin.output,
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
      },
      'pinned',
    );
  }
}

type CarriedOutcome = Pick<
  NodeRunRecord,
  'status' | 'attempt' | 'input' | 'output' | 'startedAt' | 'finishedAt' | 'durationMs'
>;

/** The row takes a finished outcome it did not run for (nothing spent in this run). */
function carryOutcome(row: NodeRunRecord, outcome: CarriedOutcome, mark: 'reused' | 'pinned'): void {
  Object.assign(row, {
    status: outcome.status,
    attempt: outcome.attempt,
    input: outcome.input,
    output: outcome.output,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    durationMs: outcome.durationMs,
    reused: mark === 'reused',
    pinned: mark === 'pinned',
    cost: null,
  });
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
