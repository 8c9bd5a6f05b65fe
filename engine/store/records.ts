// What the store holds, as plain records. JSON columns come back parsed; absent values are null.
import type { Actor, RunAccess } from '../actor.ts';
import type { SerializedError } from '../errors.ts';
import type { FlowDocument } from '../flow-schema.ts';
import type { NodeCost } from '../node-cost.ts';
import type { NodeStatus, RunStatus } from '../run-machine.ts';

export interface FlowSummary {
  id: string;
  name: string;
  /** The project of its latest draft or version (`default` when the document names none). */
  project: string;
  /** 0 while the flow has only a draft. */
  latestVersion: number;
  /** The version its webhooks and schedules run; null until the flow is first published. */
  publishedVersion: number | null;
  /** Disabled flows keep their versions but their triggers do not fire. */
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface FlowVersion {
  flowId: string;
  version: number;
  document: FlowDocument;
  createdAt: number;
  /** When, by whom and why it was published; null for a version only runs of a draft use. */
  publication: FlowPublication | null;
}

export interface FlowPublication {
  at: number;
  /** The API key's or user's name; null when the host published it (examples, old stores). */
  by: string | null;
  note: string | null;
}

export type TriggerKind = 'manual' | 'api' | 'webhook' | 'schedule' | 'rerun' | 'eval' | 'error';

export interface RunTrigger {
  kind: TriggerKind;
  /** Trigger node, hook path, schedule tick... */
  detail?: Record<string, unknown>;
}

export interface RunRecord {
  id: string;
  flowId: string;
  flowVersion: number;
  /** The flow's project when the run started: who may see and act on the run follows it. */
  project: string;
  status: RunStatus;
  input: unknown;
  output: unknown;
  error: SerializedError | null;
  trigger: RunTrigger;
  /** The run this one re-runs (with reused upstream outputs), if any. */
  rerunOf: string | null;
  /** The conversation the run is a turn of (the id of the thread's first run); null outside one. */
  threadId: string | null;
  idempotencyKey: string | null;
  /** Who started the run; null for runs stored before it was recorded. */
  startedBy: Actor | null;
  /** The caller's table limits and database roles per connection; null: none of the caller's own. */
  access: RunAccess | null;
  /** The orchestrator process that drives the run, and until when its claim holds. */
  owner: string | null;
  leaseUntil: number | null;
  cancelRequested: boolean;
  /** The sum of its node runs' costs; null while nothing was spent. */
  cost: NodeCost | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface NodeRunRecord {
  runId: string;
  nodeId: string;
  /** `type@version` of the node when the run started. */
  nodeKey: string;
  status: NodeStatus;
  /** 0 until first dispatched; then 1, 2, ... */
  attempt: number;
  input: unknown;
  output: unknown;
  error: SerializedError | null;
  /** A retry waits until then (epoch ms). */
  retryAt: number | null;
  queuedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  /** Output copied from an earlier run (re-run from a node). */
  reused: boolean;
  /** Output taken from the flow's pin for this node instead of running it. */
  pinned: boolean;
  /** The sum of its attempts' costs; null while nothing was spent. */
  cost: NodeCost | null;
}

export interface NodeAttemptRecord {
  runId: string;
  nodeId: string;
  attempt: number;
  status: 'succeeded' | 'failed' | 'cancelled';
  error: SerializedError | null;
  startedAt: number | null;
  finishedAt: number;
  /** What this attempt cost; null when it reported nothing. */
  cost: NodeCost | null;
}

export type RunEventType =
  | 'run.queued'
  | 'run.started'
  | 'run.succeeded'
  | 'run.failed'
  | 'run.cancelled'
  | 'node.ready'
  | 'node.running'
  | 'node.progress'
  | 'node.succeeded'
  | 'node.failed'
  | 'node.retrying'
  | 'node.skipped'
  | 'node.cancelled';

export interface RunEvent {
  /** Store-wide increasing sequence: SSE event ids and `Last-Event-ID` resume from it. */
  seq: number;
  runId: string;
  type: RunEventType;
  nodeId: string | null;
  data: Record<string, unknown> | null;
  at: number;
}

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'output'
    | 'error'
    | 'owner'
    | 'leaseUntil'
    | 'cancelRequested'
    | 'startedAt'
    | 'finishedAt'
    | 'cost'
  >
>;
export type NodePatch = Partial<
  Pick<
    NodeRunRecord,
    | 'status'
    | 'attempt'
    | 'input'
    | 'output'
    | 'error'
    | 'retryAt'
    | 'queuedAt'
    | 'startedAt'
    | 'finishedAt'
    | 'durationMs'
    | 'cost'
  >
>;

/** One mutation; a scheduler tick commits its list of changes in one transaction. */
export type StoreChange =
  | { kind: 'insertRun'; run: RunRecord; nodes: NodeRunRecord[] }
  | { kind: 'updateRun'; runId: string; patch: RunPatch }
  | { kind: 'updateNode'; runId: string; nodeId: string; patch: NodePatch }
  | { kind: 'insertAttempt'; attempt: NodeAttemptRecord }
  | { kind: 'event'; event: Omit<RunEvent, 'seq'> }
  /**
   * Claims a schedule tick for the run inserted with it: the unique fire row (trigger, tick) is
   * what makes a tick start one run however many processes fire it. When the tick already has a
   * row, the whole commit is refused with SCHEDULE_TICK_TAKEN and nothing of it is written.
   */
  | { kind: 'claimFire'; triggerId: string; fireAt: number; runId: string };

/** The run a change belongs to. */
export function changeRunId(change: StoreChange): string {
  switch (change.kind) {
    case 'insertRun':
      return change.run.id;
    case 'insertAttempt':
      return change.attempt.runId;
    case 'event':
      return change.event.runId;
    default:
      return change.runId;
  }
}

export interface RunFilter {
  flowId?: string;
  status?: RunStatus | RunStatus[];
  threadId?: string;
  /** Runs started by this user, in person or with one of their keys (`startedBy.userId`). */
  startedByUser?: string;
  /**
   * Only runs of these projects, and of `ownIn` those started by `userId`: what a caller with
   * roles in some projects may see. Absent: every run.
   */
  visibleTo?: { projects: readonly string[]; ownIn: readonly string[]; userId: string | null };
  /** Runs created before this run id's creation (paging, newest first). */
  limit?: number;
  offset?: number;
}
