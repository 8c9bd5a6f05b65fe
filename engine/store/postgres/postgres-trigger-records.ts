// The triggers table of a PostgreSQL store. syncFlow holds a per-flow advisory lock for its
// transaction, so two servers publishing one flow at once apply their syncs one after the other.
import { R1flowError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { triggerFromRow } from '../repository-row-mappers.ts';
import type {
  StoredTrigger,
  TriggerCredential,
  TriggerDraft,
  TriggerFilter,
  TriggerRecords,
} from '../trigger-records.ts';
import type { PostgresDatabase, Sql } from './postgres-database.ts';

export class PostgresTriggerRecords implements TriggerRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async list(filter: TriggerFilter = {}): Promise<StoredTrigger[]> {
    const rows = await this.#db.rows(
      'SELECT * FROM triggers WHERE ($1::text IS NULL OR flow_id = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY created_at, row_order',
      [filter.flowId ?? null, filter.kind ?? null],
    );
    return rows.map(triggerFromRow);
  }

  async get(id: string): Promise<StoredTrigger | null> {
    const row = await this.#db.row('SELECT * FROM triggers WHERE id = $1', [id]);
    return row ? triggerFromRow(row) : null;
  }

  async byPath(path: string): Promise<StoredTrigger | null> {
    const row = await this.#db.row('SELECT * FROM triggers WHERE path = $1', [path]);
    return row ? triggerFromRow(row) : null;
  }

  async syncFlow(
    flowId: string,
    flowVersion: number,
    drafts: readonly TriggerDraft[],
    credentialFor: (draft: TriggerDraft, previous: StoredTrigger | null) => TriggerCredential | null,
  ): Promise<StoredTrigger[]> {
    const now = Date.now();
    try {
      await this.#db.transaction(async (sql) => {
        await sql.run("SELECT pg_advisory_xact_lock(hashtext('r1flow.triggers:' || $1))", [flowId]);
        const existing = new Map(
          (await sql.rows('SELECT * FROM triggers WHERE flow_id = $1', [flowId]))
            .map(triggerFromRow)
            .map((trigger) => [trigger.nodeId, trigger]),
        );
        for (const draft of drafts) {
          const previous = existing.get(draft.nodeId) ?? null;
          existing.delete(draft.nodeId);
          const config = JSON.stringify(draft.config);
          let id: string;
          if (previous) {
            id = previous.id;
            await sql.run(
              'UPDATE triggers SET flow_version = $1, kind = $2, path = $3, config = $4, updated_at = $5 WHERE id = $6',
              [flowVersion, draft.kind, draft.path, config, now, id],
            );
          } else {
            id = newId('trg_', 6);
            await sql.run(
              'INSERT INTO triggers (id, flow_id, flow_version, node_id, kind, path, config, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)',
              [id, flowId, flowVersion, draft.nodeId, draft.kind, draft.path, config, now],
            );
          }
          const credential = credentialFor(draft, previous);
          if (credential) await writeCredential(sql, id, credential);
        }
        for (const gone of existing.values()) await sql.run('DELETE FROM triggers WHERE id = $1', [gone.id]);
      });
    } catch (error) {
      // The server checks paths before saving; this catches a concurrent save of another flow.
      if ((error as { constraint?: unknown }).constraint === 'triggers_by_path') {
        throw new R1flowError('BAD_REQUEST', 'a webhook path of this flow is already served by another flow');
      }
      throw error;
    }
    return this.list({ flowId });
  }

  async setCredential(id: string, credential: TriggerCredential): Promise<boolean> {
    return writeCredential(this.#db, id, credential);
  }

  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    return (
      (await this.#db.run('UPDATE triggers SET enabled = $1, updated_at = $2 WHERE id = $3', [
        enabled ? 1 : 0,
        Date.now(),
        id,
      ])) > 0
    );
  }

  async recordFire(id: string, at: number): Promise<void> {
    await this.#db.run('UPDATE triggers SET last_fire_at = $1 WHERE id = $2', [at, id]);
  }

  async removeFlow(flowId: string): Promise<number> {
    return this.#db.run('DELETE FROM triggers WHERE flow_id = $1', [flowId]);
  }
}

async function writeCredential(sql: Sql, id: string, credential: TriggerCredential): Promise<boolean> {
  const [sealed, tokenHash] =
    'secretSealed' in credential ? [credential.secretSealed, null] : [null, credential.tokenHash];
  return (
    (await sql.run('UPDATE triggers SET secret_enc = $1, token_hash = $2 WHERE id = $3', [
      sealed,
      tokenHash,
      id,
    ])) > 0
  );
}
