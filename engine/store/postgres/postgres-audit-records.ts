// The audit_log table of a PostgreSQL store. Pruning opens the retention window only inside its
// own transaction, so the trigger that refuses UPDATE and DELETE holds for every other statement.
import type { AuditDraft, AuditEntry, AuditFilter, AuditRecords } from '../audit-records.ts';
import { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX } from '../audit-records.ts';
import { auditDraftToRow, auditEntryFromRow } from '../repository-row-mappers.ts';
import type { PostgresDatabase } from './postgres-database.ts';

export class PostgresAuditRecords implements AuditRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    if (drafts.length === 0) return [];
    return this.#db.transaction(async (sql) => {
      const entries: AuditEntry[] = [];
      for (const draft of drafts) {
        const row = auditDraftToRow(draft);
        const columns = Object.keys(row);
        const inserted = await sql.row(
          `INSERT INTO audit_log (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING seq`,
          Object.values(row),
        );
        entries.push({ ...draft, seq: inserted!.seq as number });
      }
      return entries;
    });
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, filter.limit ?? AUDIT_LIST_DEFAULT), AUDIT_LIST_MAX);
    const rows = await this.#db.rows(
      `SELECT * FROM audit_log
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR actor_id = $2)
         AND ($3::text IS NULL OR run_id = $3) AND ($4::text IS NULL OR outcome = $4)
         AND ($5::bigint IS NULL OR at >= $5) AND ($6::bigint IS NULL OR at < $6)
         AND ($7::bigint IS NULL OR seq < $7)
       ORDER BY seq DESC LIMIT $8`,
      [
        filter.kind ?? null,
        filter.actor ?? null,
        filter.runId ?? null,
        filter.outcome ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.beforeSeq ?? null,
        limit,
      ],
    );
    return rows.map(auditEntryFromRow);
  }

  async prune(before: number, batchSize = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.#db.transaction(async (sql) => {
        await sql.run('INSERT INTO audit_prune_window (id, cutoff) VALUES (1, $1)', [before]);
        const count = await sql.run(
          'DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE at < $1 ORDER BY seq LIMIT $2)',
          [before, batchSize],
        );
        await sql.run('DELETE FROM audit_prune_window');
        return count;
      });
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}
