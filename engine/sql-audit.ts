// The seam between nodes and the audit log. A node reports each SQL statement it sent to a
// warehouse with `ctx.auditSql`; execute-job collects a job's reports and returns them with its
// result (`JobResult.audit`), which travels like the outputs (inline, or through the queue's
// results stream from a worker on another host), and the orchestrator appends them to the store's
// audit log whether or not the result is still wanted. So nodes never import the store, and a
// worker needs no store to be audited.
import { z } from 'zod';
import {
  AUDIT_OUTCOMES,
  type AuditActor,
  type AuditDraft,
  type AuditOutcome,
  type AuditSqlFacts,
} from './store/audit-records.ts';

/** What a node says about one statement it ran: the entry's facts but the attempt (added by the host), and how it ended. */
export interface SqlAuditReport extends Omit<AuditSqlFacts, 'attempt'> {
  outcome: AuditOutcome;
  /** The error or refusal (code and message); null when it ran. */
  reason: string | null;
}

/** A report with the job it came from, as it travels back with the job's result. */
export interface SqlAuditRecord extends SqlAuditReport {
  at: number;
  runId: string;
  nodeId: string;
  attempt: number;
}

/** How a record is checked where it arrives from another process (queue mode). */
export const SqlAuditRecordSchema = z.object({
  at: z.number(),
  runId: z.string().min(1),
  nodeId: z.string().min(1),
  attempt: z.number().int().min(1),
  candidates: z.array(z.number().int().min(0)),
  warehouse: z.string(),
  dialect: z.string(),
  sql: z.string(),
  durationMs: z.number().min(0),
  rows: z.number().int().min(0).nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable(),
});

/** The store's entry for a record, done by `actor` (who started the run). */
export function sqlAuditDraft(record: SqlAuditRecord, actor: AuditActor | null): AuditDraft {
  return {
    at: record.at,
    kind: 'sql',
    actor,
    outcome: record.outcome,
    reason: record.reason,
    runId: record.runId,
    nodeId: record.nodeId,
    target: null,
    detail: null,
    sql: {
      attempt: record.attempt,
      candidates: record.candidates,
      warehouse: record.warehouse,
      dialect: record.dialect,
      sql: record.sql,
      durationMs: record.durationMs,
      rows: record.rows,
    },
  };
}
