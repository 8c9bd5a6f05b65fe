// Converts between the stores' run rows and records (JSON columns as text, 0/1 booleans, nulls);
// the SQLite and PostgreSQL stores share these columns and encodings.
import type { Actor, RunAccess } from '../actor.ts';
import type { SerializedError } from '../errors.ts';
import type { NodeCost } from '../node-cost.ts';
import { DEFAULT_PROJECT } from '../projects.ts';
import type { NodeStatus, RunStatus } from '../run-machine.ts';
import type { NodeAttemptRecord, NodeRunRecord, RunEvent, RunEventType, RunRecord } from './records.ts';

export type Row = Record<string, unknown>;

export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T = unknown>(text: unknown): T | null {
  return typeof text === 'string' ? (JSON.parse(text) as T) : null;
}

export function runFromRow(row: Row): RunRecord {
  return {
    id: row.id as string,
    flowId: row.flow_id as string,
    flowVersion: row.flow_version as number,
    project: (row.project as string | undefined) ?? DEFAULT_PROJECT,
    status: row.status as RunStatus,
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson<SerializedError>(row.error),
    trigger: fromJson(row.trigger) ?? { kind: 'manual' },
    rerunOf: (row.rerun_of as string | null) ?? null,
    threadId: (row.thread_id as string | null) ?? null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    startedBy: fromJson<Actor>(row.started_by),
    access: fromJson<RunAccess>(row.access),
    owner: (row.owner as string | null) ?? null,
    leaseUntil: (row.lease_until as number | null) ?? null,
    cancelRequested: row.cancel_requested === 1,
    cost: fromJson<NodeCost>(row.cost),
    createdAt: row.created_at as number,
    startedAt: (row.started_at as number | null) ?? null,
    finishedAt: (row.finished_at as number | null) ?? null,
  };
}

export function runToRow(run: RunRecord): Row {
  return {
    id: run.id,
    flow_id: run.flowId,
    flow_version: run.flowVersion,
    project: run.project,
    status: run.status,
    input: toJson(run.input),
    output: toJson(run.output),
    error: toJson(run.error),
    trigger: toJson(run.trigger),
    rerun_of: run.rerunOf,
    thread_id: run.threadId,
    idempotency_key: run.idempotencyKey,
    started_by: toJson(run.startedBy),
    access: toJson(run.access),
    owner: run.owner,
    lease_until: run.leaseUntil,
    cancel_requested: run.cancelRequested ? 1 : 0,
    cost: toJson(run.cost),
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
  };
}

export function nodeFromRow(row: Row): NodeRunRecord {
  return {
    runId: row.run_id as string,
    nodeId: row.node_id as string,
    nodeKey: row.node_key as string,
    status: row.status as NodeStatus,
    attempt: row.attempt as number,
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson<SerializedError>(row.error),
    retryAt: (row.retry_at as number | null) ?? null,
    queuedAt: (row.queued_at as number | null) ?? null,
    startedAt: (row.started_at as number | null) ?? null,
    finishedAt: (row.finished_at as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    reused: row.reused === 1,
    pinned: row.pinned === 1,
    cost: fromJson<NodeCost>(row.cost),
  };
}

export function nodeToRow(node: NodeRunRecord): Row {
  return {
    run_id: node.runId,
    node_id: node.nodeId,
    node_key: node.nodeKey,
    status: node.status,
    attempt: node.attempt,
    input: toJson(node.input),
    output: toJson(node.output),
    error: toJson(node.error),
    retry_at: node.retryAt,
    queued_at: node.queuedAt,
    started_at: node.startedAt,
    finished_at: node.finishedAt,
    duration_ms: node.durationMs,
    reused: node.reused ? 1 : 0,
    pinned: node.pinned ? 1 : 0,
    cost: toJson(node.cost),
  };
}

export function attemptFromRow(row: Row): NodeAttemptRecord {
  return {
    runId: row.run_id as string,
    nodeId: row.node_id as string,
    attempt: row.attempt as number,
    status: row.status as NodeAttemptRecord['status'],
    error: fromJson<SerializedError>(row.error),
    startedAt: (row.started_at as number | null) ?? null,
    finishedAt: row.finished_at as number,
    cost: fromJson<NodeCost>(row.cost),
  };
}

/** A row of `owner, max(lease_until)` over active runs. */
export function activeOwnerFromRow(row: Row): { owner: string | null; leaseUntil: number | null } {
  return {
    owner: (row.owner as string | null) ?? null,
    leaseUntil: (row.lease_until as number | null) ?? null,
  };
}

export function eventFromRow(row: Row): RunEvent {
  return {
    seq: row.seq as number,
    runId: row.run_id as string,
    type: row.type as RunEventType,
    nodeId: (row.node_id as string | null) ?? null,
    data: fromJson(row.data),
    at: row.at as number,
  };
}

/** Record field → column, for patches. JSON fields are serialised; booleans become 0/1. */
const COLUMN_OF: Record<string, { column: string; encode?: (value: unknown) => unknown }> = {
  status: { column: 'status' },
  attempt: { column: 'attempt' },
  input: { column: 'input', encode: toJson },
  output: { column: 'output', encode: toJson },
  error: { column: 'error', encode: toJson },
  retryAt: { column: 'retry_at' },
  queuedAt: { column: 'queued_at' },
  startedAt: { column: 'started_at' },
  finishedAt: { column: 'finished_at' },
  durationMs: { column: 'duration_ms' },
  cost: { column: 'cost', encode: toJson },
  owner: { column: 'owner' },
  leaseUntil: { column: 'lease_until' },
  cancelRequested: { column: 'cancel_requested', encode: (value) => (value ? 1 : 0) },
};

/** The SET clause and values of a patch; keys are sorted so equal shapes share one prepared statement. */
export function patchColumns(patch: Record<string, unknown>): { columns: string[]; values: unknown[] } {
  const keys = Object.keys(patch)
    .filter((key) => patch[key] !== undefined)
    .sort();
  return {
    columns: keys.map((key) => COLUMN_OF[key]!.column),
    values: keys.map((key) => {
      const { encode } = COLUMN_OF[key]!;
      return encode ? encode(patch[key]) : patch[key];
    }),
  };
}
