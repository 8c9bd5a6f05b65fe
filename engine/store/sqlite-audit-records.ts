// The audit_log table of a SQLite store. Appends are one transaction per batch (a node's SQL
// entries arrive together); pruning opens the table's retention window only inside its own
// transaction, so the triggers that refuse UPDATE and DELETE hold for every other statement.
import type { Database, Statement } from 'better-sqlite3';
import type { AuditDraft, AuditEntry, AuditFilter, AuditRecords } from './audit-records.ts';
import { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX } from './audit-records.ts';
import { auditDraftToRow, auditEntryFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

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
        const row = auditDraftToRow(draft);
        const columns = Object.keys(row);
        const result = this.#sql(
          `INSERT INTO audit_log (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
        ).run(row);
        return { ...draft, seq: Number(result.lastInsertRowid) };
      }),
    );
    return insert.immediate();
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, filter.limit ?? AUDIT_LIST_DEFAULT), AUDIT_LIST_MAX);
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
    return rows.map(auditEntryFromRow);
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
