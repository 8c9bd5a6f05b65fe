// The rows a new run starts with: its record (owned and leased by the process that starts it)
// and one pending row per node, or, for a re-run, the reused outputs of the nodes upstream of
// `fromNode`, and the pinned outputs it was given.
import type { Actor, RunAccess } from '../actor.ts';
import { newRunId } from '../ids.ts';
import { projectOf } from '../projects.ts';
import type { PinRecord } from '../store/pin-records.ts';
import type { NodeRunRecord, RunRecord, RunTrigger } from '../store/records.ts';
import type { StoredRun } from '../store/store.ts';
import type { ResolvedFlow } from '../validate-flow.ts';
import { pinnedNodeRows, reusedNodeRows } from './rerun.ts';

export interface NewRun {
  flow: ResolvedFlow;
  flowId: string;
  flowVersion: number;
  input: unknown;
  /** The thread the run is a turn of. */
  threadId: string | null;
  request: {
    trigger?: RunTrigger;
    idempotencyKey?: string;
    rerun?: { runId: string; fromNode?: string };
    startedBy?: Actor;
    access?: RunAccess | null;
  };
  /** The run being re-run. */
  source: StoredRun | null;
  /** Pinned outputs the run takes instead of running those nodes (editor runs only). */
  pins?: readonly PinRecord[];
  owner: string;
  leaseMs: number;
}

export function newRunRows(n: NewRun): { record: RunRecord; nodes: NodeRunRecord[] } {
  const now = Date.now();
  const { request } = n;
  const record: RunRecord = {
    id: newRunId(now),
    flowId: n.flowId,
    flowVersion: n.flowVersion,
    project: projectOf(n.flow.document),
    status: 'queued',
    input: n.input,
    output: null,
    error: null,
    trigger: request.trigger ?? { kind: request.rerun ? 'rerun' : 'api' },
    rerunOf: request.rerun?.runId ?? null,
    threadId: n.threadId,
    idempotencyKey: request.idempotencyKey ?? null,
    startedBy: request.startedBy ?? null,
    access: request.access ?? null,
    owner: n.owner,
    leaseUntil: now + n.leaseMs,
    cancelRequested: false,
    cost: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
  };
  const nodes = n.flow.order.map((nodeId) =>
    emptyNodeRow(record.id, nodeId, n.flow.nodes.get(nodeId)!.definition.key),
  );
  if (n.source && request.rerun) reusedNodeRows(n.flow, n.source.nodes, nodes, request.rerun.fromNode);
  if (n.pins) pinnedNodeRows(n.pins, nodes, now);
  return { record, nodes };
}

/** A node row as a new run stores it: pending, never attempted. */
export function emptyNodeRow(runId: string, nodeId: string, nodeKey: string): NodeRunRecord {
  return {
    runId,
    nodeId,
    nodeKey,
    status: 'pending',
    attempt: 0,
    input: null,
    output: null,
    error: null,
    retryAt: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    reused: false,
    pinned: false,
    cost: null,
  };
}
