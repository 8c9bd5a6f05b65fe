// The in-memory mirror of a run this process drives. It is rebuilt from the stored rows on
// resume, and every change to it is recorded in the current tick before it is committed.
import type { SerializedError } from '../errors.ts';
import type { NodeCost } from '../node-cost.ts';
import type { NodeStatus, RunStatus } from '../run-machine.ts';
import type { NodeRunRecord, RunRecord } from '../store/records.ts';
import type { ResolvedFlow } from '../validate-flow.ts';

export interface ActiveNode {
  id: string;
  status: NodeStatus;
  attempt: number;
  outputs: Record<string, unknown> | null;
  retryAt: number | null;
  /** Set when this process dispatched (or found in flight) the current attempt's job. */
  jobId: string | null;
  /** Its attempts' costs so far. */
  cost: NodeCost | null;
}

export interface ActiveRun {
  id: string;
  flowId: string;
  flowVersion: number;
  status: RunStatus;
  input: unknown;
  flow: ResolvedFlow;
  nodes: Map<string, ActiveNode>;
  error: SerializedError | null;
  /** Its node runs' costs so far. */
  cost: NodeCost | null;
}

export function activeRunFromStored(run: RunRecord, nodes: NodeRunRecord[], flow: ResolvedFlow): ActiveRun {
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  return {
    id: run.id,
    flowId: run.flowId,
    flowVersion: run.flowVersion,
    status: run.status,
    input: run.input,
    flow,
    error: run.error,
    cost: run.cost,
    nodes: new Map(
      flow.order.map((id) => {
        const stored = byId.get(id);
        return [
          id,
          {
            id,
            status: stored?.status ?? 'pending',
            attempt: stored?.attempt ?? 0,
            outputs: (stored?.output as Record<string, unknown> | null) ?? null,
            retryAt: stored?.retryAt ?? null,
            jobId: null,
            cost: stored?.cost ?? null,
          },
        ];
      }),
    ),
  };
}
