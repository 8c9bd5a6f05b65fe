// Converts the repositories' rows (flows, drafts, triggers and their fires, keys, users, connections, feedback,
// examples, audit entries, pins) to records. Both stores keep the same columns with the same
// encodings (JSON as text, booleans as 0/1), so their rows map the same way.
import type { RunAccess } from '../actor.ts';
import type { ConnectionKind } from '../connections.ts';
import type { FlowDocument } from '../flow-schema.ts';
import type { StoredApiKey } from './api-key-records.ts';
import type {
  AuditActor,
  AuditDraft,
  AuditEntry,
  AuditKind,
  AuditOutcome,
  AuditSqlFacts,
} from './audit-records.ts';
import type { StoredConnection } from './connection-records.ts';
import type { FlowDraft } from './draft-records.ts';
import type { FeedbackRating, ReviewState, StoredExample, StoredFeedback } from './feedback-records.ts';
import type { PinRecord } from './pin-records.ts';
import type { FlowSummary, FlowVersion } from './records.ts';
import { fromJson, type Row } from './row-mappers.ts';
import type { ScheduleFire, ScheduleFireStatus, StoredTrigger, TriggerNodeKind } from './trigger-records.ts';
import type { Role, StoredUser } from './user-records.ts';

export function flowFromRow(row: Row): FlowSummary {
  return {
    id: row.id as string,
    name: row.name as string,
    project: row.project as string,
    latestVersion: row.latest_version as number,
    publishedVersion: (row.published_version as number | null) ?? null,
    enabled: row.enabled === 1,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

export function versionFromRow(row: Row): FlowVersion {
  const publishedAt = row.published_at as number | null;
  return {
    flowId: row.flow_id as string,
    version: row.version as number,
    document: JSON.parse(row.document as string) as FlowDocument,
    createdAt: row.created_at as number,
    publication:
      publishedAt === null
        ? null
        : { at: publishedAt, by: row.published_by as string | null, note: row.publish_note as string | null },
  };
}

/** A version without its document, for listings. */
export function versionSummaryFromRow(row: Row): Omit<FlowVersion, 'document'> {
  const { document: _document, ...summary } = versionFromRow({ ...row, document: 'null' });
  return summary;
}

export function draftFromRow(row: Row): FlowDraft {
  return {
    flowId: row.flow_id as string,
    document: JSON.parse(row.document as string) as FlowDocument,
    updatedAt: row.updated_at as number,
    updatedBy: row.updated_by as string | null,
  };
}

export function triggerFromRow(row: Row): StoredTrigger {
  return {
    id: row.id as string,
    flowId: row.flow_id as string,
    flowVersion: row.flow_version as number,
    nodeId: row.node_id as string,
    kind: row.kind as TriggerNodeKind,
    path: (row.path as string | null) ?? null,
    config: JSON.parse(row.config as string) as Record<string, unknown>,
    secretSealed: (row.secret_enc as string | null) ?? null,
    tokenHash: (row.token_hash as string | null) ?? null,
    enabled: row.enabled === 1,
    lastFireAt: (row.last_fire_at as number | null) ?? null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

export function scheduleFireFromRow(row: Row): ScheduleFire {
  return {
    triggerId: row.trigger_id as string,
    fireAt: row.fire_at as number,
    status: row.status as ScheduleFireStatus,
    runId: (row.run_id as string | null) ?? null,
    recordedAt: row.recorded_at as number,
  };
}

export function apiKeyFromRow(row: Row): StoredApiKey {
  return {
    id: row.id as string,
    name: row.name as string,
    prefix: row.prefix as string,
    hash: row.hash as string,
    userId: (row.user_id as string | null) ?? null,
    createdAt: row.created_at as number,
    lastUsedAt: (row.last_used_at as number | null) ?? null,
    revokedAt: (row.revoked_at as number | null) ?? null,
  };
}

/** A users row with the user's `user_roles` rows (project, role and the role's table limits). */
export function userFromRow(row: Row, roles: readonly Row[]): StoredUser {
  return {
    id: row.id as string,
    name: row.name as string,
    passwordHash: (row.password_hash as string | null) ?? null,
    disabledAt: (row.disabled_at as number | null) ?? null,
    access: fromJson<RunAccess>(row.access),
    roles: Object.fromEntries(roles.map((r) => [r.project as string, r.role as Role])),
    roleAccess: Object.fromEntries(
      roles
        .filter((r) => r.access !== null)
        .map((r) => [r.project as string, fromJson<RunAccess>(r.access)!]),
    ),
    createdAt: row.created_at as number,
  };
}

export function connectionFromRow(row: Row): StoredConnection {
  const testedAt = row.last_test_at as number | null;
  return {
    name: row.name as string,
    kind: row.kind as ConnectionKind,
    urlSealed: row.url_sealed as string,
    display: row.display as string,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    lastTest:
      testedAt === null
        ? null
        : { at: testedAt, ok: row.last_test_ok === 1, message: row.last_test_message as string },
  };
}

export function feedbackFromRow(row: Row): StoredFeedback {
  return {
    id: row.id as string,
    runId: row.run_id as string,
    rating: row.rating as FeedbackRating,
    question: row.question as string,
    chosenSql: (row.chosen_sql as string | null) ?? null,
    correctedSql: (row.corrected_sql as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    warehouse: (row.warehouse as string | null) ?? null,
    dialect: (row.dialect as string | null) ?? null,
    state: row.state as ReviewState,
    createdAt: row.created_at as number,
    reviewedAt: (row.reviewed_at as number | null) ?? null,
    exampleId: (row.example_id as string | null) ?? null,
  };
}

export function exampleFromRow(row: Row): StoredExample {
  return {
    id: row.id as string,
    warehouse: row.warehouse as string,
    question: row.question as string,
    sql: row.sql as string,
    feedbackId: (row.feedback_id as string | null) ?? null,
    createdAt: row.created_at as number,
    verifiedAt: row.verified_at as number,
  };
}

export function pinFromRow(row: Row): PinRecord {
  return {
    flowId: row.flow_id as string,
    nodeId: row.node_id as string,
    nodeKey: row.node_key as string,
    runId: row.run_id as string,
    output: JSON.parse(row.output as string) as Record<string, unknown>,
    pinnedAt: row.pinned_at as number,
  };
}

/** An audit draft as audit_log columns (in insertion order). */
export function auditDraftToRow(draft: AuditDraft): Row {
  const sql = draft.sql;
  return {
    at: draft.at,
    kind: draft.kind,
    actor_kind: draft.actor?.kind ?? null,
    actor_id: draft.actor?.id ?? null,
    actor_name: draft.actor?.name ?? null,
    outcome: draft.outcome,
    reason: draft.reason,
    run_id: draft.runId,
    node_id: draft.nodeId,
    target: draft.target,
    attempt: sql?.attempt ?? null,
    candidates: sql ? JSON.stringify(sql.candidates) : null,
    warehouse: sql?.warehouse ?? null,
    dialect: sql?.dialect ?? null,
    sql: sql?.sql ?? null,
    duration_ms: sql?.durationMs ?? null,
    row_count: sql?.rows ?? null,
    detail: draft.detail ? JSON.stringify(draft.detail) : null,
  };
}

export function auditEntryFromRow(row: Row): AuditEntry {
  const actor: AuditActor | null =
    row.actor_id === null
      ? null
      : { kind: row.actor_kind as string, id: row.actor_id as string, name: row.actor_name as string };
  const sql: AuditSqlFacts | null =
    row.sql === null
      ? null
      : {
          attempt: row.attempt as number,
          candidates: JSON.parse(row.candidates as string) as number[],
          warehouse: row.warehouse as string,
          dialect: row.dialect as string,
          sql: row.sql as string,
          durationMs: row.duration_ms as number,
          rows: (row.row_count as number | null) ?? null,
        };
  return {
    seq: row.seq as number,
    at: row.at as number,
    kind: row.kind as AuditKind,
    actor,
    outcome: row.outcome as AuditOutcome,
    reason: (row.reason as string | null) ?? null,
    runId: (row.run_id as string | null) ?? null,
    nodeId: (row.node_id as string | null) ?? null,
    target: (row.target as string | null) ?? null,
    sql,
    detail: row.detail === null ? null : (JSON.parse(row.detail as string) as Record<string, unknown>),
  };
}
