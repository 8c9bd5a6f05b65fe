// The audit_log table of a SQLite store. Appends are one transaction per batch (a node's SQL
// entries arrive together); pruning opens the table's retention window only inside its own
// transaction, so the triggers that refuse UPDATE and DELETE hold for every other statement.
import type { Database, Statement } from 'better-sqlite3';
import type {
  AuditActor,
  AuditDraft,
  AuditEntry,
  AuditFilter,
  AuditKind,
  AuditOutcome,
  AuditRecords,
  AuditSqlFacts,
} from './audit-records.ts';
import type { Row } from './row-mappers.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

export class SqliteAuditRecords implements AuditRecords {
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;

  constructor(db: Database, sql: (text: string) => Statement) {
    this.#db = db;
    this.#sql = sql;
  }

  async append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    if (drafts.length === 0) return [];
    const insert = this.#db.transaction(() =>
      drafts.map((draft) => {
        const result = this.#sql(
          `INSERT INTO audit_log (at, kind, actor_kind, actor_id, actor_name, outcome, reason, run_id, node_id, target,
             attempt, candidates, warehouse, dialect, sql, duration_ms, row_count, detail)
           VALUES (@at, @kind, @actorKind, @actorId, @actorName, @outcome, @reason, @runId, @nodeId, @target,
             @attempt, @candidates, @warehouse, @dialect, @sql, @durationMs, @rows, @detail)`,
        ).run(draftToRow(draft));
        return { ...draft, seq: Number(result.lastInsertRowid) };
      }),
    );
    return insert.immediate();
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, filter.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
    const rows = this.#sql(
      `SELECT * FROM audit_log
       WHERE (@kind IS NULL OR kind = @kind) AND (@actor IS NULL OR actor_id = @actor)
         AND (@runId IS NULL OR run_id = @runId) AND (@outcome IS NULL OR outcome = @outcome)
         AND (@since IS NULL OR at >= @since) AND (@until IS NULL OR at < @until)
         AND (@beforeSeq IS NULL OR seq < @beforeSeq)
       ORDER BY seq DESC LIMIT @limit`,
    ).all({
      kind: filter.kind ?? null,
      actor: filter.actor ?? null,
      runId: filter.runId ?? null,
      outcome: filter.outcome ?? null,
      since: filter.since ?? null,
      until: filter.until ?? null,
      beforeSeq: filter.beforeSeq ?? null,
      limit,
    }) as Row[];
    return rows.map(entryFromRow);
  }

  async prune(before: number, batchSize = 1000): Promise<number> {
    const batch = this.#db.transaction((): number => {
      this.#sql('INSERT INTO audit_prune_window (id, cutoff) VALUES (1, ?)').run(before);
      try {
        return this.#sql(
          'DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE at < ? ORDER BY seq LIMIT ?)',
        ).run(before, batchSize).changes;
      } finally {
        this.#sql('DELETE FROM audit_prune_window').run();
      }
    });
    let total = 0;
    for (;;) {
      const deleted = batch.immediate();
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}

function draftToRow(draft: AuditDraft): Record<string, unknown> {
  const sql = draft.sql;
  return {
    at: draft.at,
    kind: draft.kind,
    actorKind: draft.actor?.kind ?? null,
    actorId: draft.actor?.id ?? null,
    actorName: draft.actor?.name ?? null,
    outcome: draft.outcome,
    reason: draft.reason,
    runId: draft.runId,
    nodeId: draft.nodeId,
    target: draft.target,
    attempt: sql?.attempt ?? null,
    candidates: sql ? JSON.stringify(sql.candidates) : null,
    warehouse: sql?.warehouse ?? null,
    dialect: sql?.dialect ?? null,
    sql: sql?.sql ?? null,
    durationMs: sql?.durationMs ?? null,
    rows: sql?.rows ?? null,
    detail: draft.detail ? JSON.stringify(draft.detail) : null,
  };
}

function entryFromRow(row: Row): AuditEntry {
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
