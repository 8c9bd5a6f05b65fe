// The flow_drafts table of a PostgreSQL store: one row per flow, replaced on each save.
import type { FlowDocument } from '../../flow-schema.ts';
import { projectOf } from '../../projects.ts';
import type { DraftRecords, FlowDraft } from '../draft-records.ts';
import { draftFromRow } from '../repository-row-mappers.ts';
import type { PostgresDatabase } from './postgres-database.ts';

export class PostgresDraftRecords implements DraftRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async get(flowId: string): Promise<FlowDraft | null> {
    const row = await this.#db.row(
      'SELECT d.* FROM flow_drafts d JOIN flows f ON f.id = d.flow_id WHERE d.flow_id = $1 AND f.deleted_at IS NULL',
      [flowId],
    );
    return row ? draftFromRow(row) : null;
  }

  async save(document: FlowDocument, by: string | null): Promise<FlowDraft> {
    const now = Date.now();
    // A draft carries no version number: it becomes one only when published or run.
    const { version: _version, ...unversioned } = document;
    await this.#db.transaction(async (sql) => {
      // The flow exists from its first draft on (with no version yet), so listings show it.
      await sql.run(
        `INSERT INTO flows (id, name, project, latest_version, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, project = excluded.project,
           updated_at = excluded.updated_at, deleted_at = NULL`,
        [document.id, document.name, projectOf(document), now],
      );
      await sql.run(
        `INSERT INTO flow_drafts (flow_id, document, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (flow_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
        [document.id, JSON.stringify(unversioned), now, by],
      );
    });
    return { flowId: document.id, document: unversioned, updatedAt: now, updatedBy: by };
  }

  async discard(flowId: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM flow_drafts WHERE flow_id = $1', [flowId])) > 0;
  }
}
