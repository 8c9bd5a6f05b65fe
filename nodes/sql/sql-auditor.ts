// What a node that runs candidates tells the audit log: each distinct statement it sent to the
// warehouse once, with every candidate index that shares its text, how long it took, the rows it
// answered and its outcome. A refusal (a write, a forbidden table) is `refused` with the reason;
// a statement cut off by a cancel, a timeout of the node or a decided vote is `cancelled`.
import type { NodeContext } from '../../engine/define-node.ts';
import type { AuditOutcome } from '../../engine/store/audit-records.ts';
import type { Candidate } from '../types.ts';
import type { SqlOutcome } from './sandbox/sql-outcome.ts';
import type { WarehouseLocation } from './warehouse-executor.ts';

/** An error's code and message, as the audit log's reason names them. */
export interface ErrorFacts {
  code: string;
  message: string;
}

export interface SqlAuditor {
  /** The executor answered `outcome` for `sql`. */
  ran(sql: string, outcome: SqlOutcome): void;
  /** `sql` was sent but never answered: the executor threw (`error`), or the call was aborted (`cancelled`). */
  stopped(sql: string, durationMs: number, reason: ErrorFacts, outcome: 'error' | 'cancelled'): void;
}

export function sqlAuditor(
  ctx: Pick<NodeContext, 'auditSql'>,
  warehouse: WarehouseLocation,
  candidates: readonly Candidate[],
): SqlAuditor {
  const report = (
    sql: string,
    facts: { durationMs: number; rows: number | null; outcome: AuditOutcome; reason: string | null },
  ) =>
    ctx.auditSql({
      candidates: candidates.filter((candidate) => candidate.sql === sql).map((candidate) => candidate.index),
      warehouse: warehouse.database,
      dialect: warehouse.dialect,
      sql,
      ...facts,
    });
  return {
    ran(sql, outcome) {
      const ok = outcome.status === 'ok';
      report(sql, {
        durationMs: outcome.durationMs,
        rows: ok ? outcome.rowCount : null,
        outcome: ok ? 'ok' : REFUSALS.has(outcome.status) ? 'refused' : 'error',
        reason: outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : null,
      });
    },
    stopped(sql, durationMs, reason, outcome) {
      report(sql, { durationMs, rows: null, outcome, reason: `${reason.code}: ${reason.message}` });
    },
  };
}

/** Statuses the executor answers without letting the warehouse run the statement. */
const REFUSALS: ReadonlySet<SqlOutcome['status']> = new Set(['forbidden', 'readonly_violation']);
