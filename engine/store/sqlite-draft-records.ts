// The flow_drafts table of a SQLite store: one row per flow, replaced on each save.
import type { Database, Statement } from 'better-sqlite3';
import type { FlowDocument } from '../flow-schema.ts';
import { projectOf } from '../projects.ts';
import type { DraftRecords, FlowDraft } from './draft-records.ts';
import { draftFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

export class SqliteDraftRecords implements DraftRecords {
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;

  constructor(db: Database, sql: (text: string) => Statement) {
    this.#db = db;
    this.#sql = sql;
  }

  async get(flowId: string): Promise<FlowDraft | null> {
    const row = this.#sql(
      'SELECT d.* FROM flow_drafts d JOIN flows f ON f.id = d.flow_id WHERE d.flow_id = ? AND f.deleted_at IS NULL',
    ).get(flowId) as Row | undefined;
    return row ? draftFromRow(row) : null;
  }

  async save(document: FlowDocument, by: string | null): Promise<FlowDraft> {
    const now = Date.now();
    // A draft carries no version number: it becomes one only when published or run.
    const { version: _version, ...unversioned } = document;
    const save = this.#db.transaction(() => {
      // The flow exists from its first draft on (with no version yet), so listings show it.
      this.#sql(
        `INSERT INTO flows (id, name, project, latest_version, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, project = excluded.project,
           updated_at = excluded.updated_at, deleted_at = NULL`,
      ).run(document.id, document.name, projectOf(document), now, now);
      this.#sql(
        `INSERT INTO flow_drafts (flow_id, document, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (flow_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      ).run(document.id, JSON.stringify(unversioned), now, by);
    });
    save.immediate();
    return { flowId: document.id, document: unversioned, updatedAt: now, updatedBy: by };
  }

  async discard(flowId: string): Promise<boolean> {
    return this.#sql('DELETE FROM flow_drafts WHERE flow_id = ?').run(flowId).changes > 0;
  }
}
