// The persistence boundary. The SQLite store implements it today; the interface is async so a
// Postgres store for multi-orchestrator deployments can follow without touching the scheduler.

import type { FlowDocument } from '../flow-schema.ts';
import type { ApiKeyRecords } from './api-key-records.ts';
import type { AuditRecords } from './audit-records.ts';
import type { ConnectionRecords } from './connection-records.ts';
import type { DraftRecords } from './draft-records.ts';
import type { ExampleRecords, FeedbackRecords } from './feedback-records.ts';
import type { PinRecords } from './pin-records.ts';
import type {
  FlowSummary,
  FlowVersion,
  NodeAttemptRecord,
  NodeRunRecord,
  RunEvent,
  RunFilter,
  RunRecord,
  StoreChange,
} from './records.ts';
import type { ReplayRecords } from './replay-records.ts';
import type { TriggerRecords } from './trigger-records.ts';
import type { UserRecords } from './user-records.ts';

export interface StoredRun {
  run: RunRecord;
  nodes: NodeRunRecord[];
}

export interface RunPrunePolicy {
  finishedBefore: number;
  failedBefore: number;
  flowId?: string;
  excludeFlows?: readonly string[];
  limit: number;
}

export interface Store {
  /**
   * Saves a new immutable version (the store assigns `version`), not yet published; creates the
   * flow on first save.
   */
  saveFlow(document: FlowDocument): Promise<FlowVersion>;
  /**
   * Makes an existing version the flow's published one (the version its triggers run) and records
   * who published it, when and why; a version published before keeps its first publication.
   */
  publishVersion(
    flowId: string,
    version: number,
    publication: { by: string | null; note: string | null },
  ): Promise<FlowVersion>;
  getFlow(flowId: string): Promise<FlowSummary | null>;
  listFlows(): Promise<FlowSummary[]>;
  getFlowVersion(flowId: string, version?: number): Promise<FlowVersion | null>;
  listFlowVersions(flowId: string): Promise<Omit<FlowVersion, 'document'>[]>;
  setFlowEnabled(flowId: string, enabled: boolean): Promise<void>;
  /** Removes the flow from listings; its versions stay for the runs pinned to them. */
  deleteFlow(flowId: string): Promise<boolean>;

  /**
   * Applies the changes in one transaction; returns the events with their sequence numbers.
   * With `owner`, the write is fenced: when a run it touches (other than one it inserts) is no
   * longer owned by `owner`, nothing is written and it throws RUN_LEASE_LOST listing those runs
   * in `data.runIds`.
   */
  commit(changes: readonly StoreChange[], options?: { owner?: string }): Promise<RunEvent[]>;

  getRun(runId: string): Promise<StoredRun | null>;
  /** The run record alone (no node rows): cheap enough to poll. */
  getRunRecord(runId: string): Promise<RunRecord | null>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  countRunsByStatus(): Promise<Record<string, number>>;
  findRunByIdempotencyKey(flowId: string, key: string): Promise<RunRecord | null>;
  listAttempts(runId: string): Promise<NodeAttemptRecord[]>;
  readEvents(options: { runId?: string; afterSeq?: number; limit?: number }): Promise<RunEvent[]>;

  /** Active runs (queued/running) with their owner and lease, for takeover decisions. */
  listActiveRunOwners(): Promise<{ owner: string | null; leaseUntil: number | null }[]>;
  /**
   * Claims active runs whose lease expired before `now` or whose owner is in `deadOwners`;
   * returns their ids. Atomic, so two processes never claim the same run.
   */
  claimRuns(owner: string, leaseUntil: number, now: number, deadOwners: readonly string[]): Promise<string[]>;
  /**
   * Extends the leases of `runIds` (the runs this process still drives) while `owner` holds them.
   * Returns those that someone asked to cancel, and those `owner` no longer holds (taken over,
   * or never stored): the caller must stop driving them.
   */
  renewLeases(
    owner: string,
    leaseUntil: number,
    runIds: readonly string[],
  ): Promise<{ cancelRequested: string[]; lost: string[] }>;
  /** Asks the owning process to cancel; the run is cancelled at its next lease renewal. */
  requestCancel(runId: string): Promise<void>;
  /**
   * The thread run `runId` is a turn of, starting one named after the run when it has none (so a
   * first question becomes the first turn of its follow-ups); null when there is no such run.
   * Touches no column the scheduler writes, so it needs no lease.
   */
  openThread(runId: string): Promise<string | null>;

  /**
   * Retention: deletes up to `limit` finished runs, oldest first, with their node runs, attempts
   * and events, in one transaction; returns how many runs went. Succeeded and cancelled runs go
   * when they finished before `finishedBefore`, failed ones before `failedBefore`; only those of
   * `flowId` when given, else those of every flow not in `excludeFlows`. Queued and running runs
   * always stay, and so do runs someone gave feedback on (training data the export reads from the
   * run) and every turn of a thread while any of its turns must stay (a live conversation keeps
   * its history). Pins and audit entries keep their copy and their run id.
   */
  pruneRuns(policy: RunPrunePolicy): Promise<number>;

  /** The `type@version` a run's node ran as (metrics label node durations with it); null if unknown. */
  getNodeKey(runId: string, nodeId: string): Promise<string | null>;

  /** Each flow's one mutable draft. */
  readonly drafts: DraftRecords;
  /** Webhook and schedule triggers of published flows (the server seals and hashes their secrets). */
  readonly triggers: TriggerRecords;
  /** API keys, stored as hashes (the server makes and hashes the keys). */
  readonly apiKeys: ApiKeyRecords;
  /** Local users with their role per project (the server hashes their passwords). */
  readonly users: UserRecords;
  /** Accepted webhook signatures within their replay window. */
  readonly replays: ReplayRecords;
  /** Named connections, their URLs sealed by the server (the store never sees the key). */
  readonly connections: ConnectionRecords;
  /** Ratings of run answers and their reviews. */
  readonly feedback: FeedbackRecords;
  /** Verified question → SQL examples per warehouse. */
  readonly examples: ExampleRecords;
  /** The append-only audit log: executed SQL and changes to flows, keys, connections and triggers. */
  readonly audit: AuditRecords;
  /** Node outputs pinned per flow, for runs started from the editor. */
  readonly pins: PinRecords;

  close(): Promise<void>;
}
