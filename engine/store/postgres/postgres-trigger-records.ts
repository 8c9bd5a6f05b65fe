// The triggers table of a PostgreSQL store. syncFlow holds a per-flow advisory lock for its
// transaction, so two servers publishing one flow at once apply their syncs one after the other.
import { R1flowError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { scheduleFireFromRow, triggerFromRow } from '../repository-row-mappers.ts';
import {
  SCHEDULE_FIRE_RETENTION_MS,
  type ScheduleFire,
  type ScheduleFireStatus,
  type StoredTrigger,
  type TriggerCredential,
  type TriggerDraft,
  type TriggerFilter,
  type TriggerRecords,
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
        for (const gone of existing.values()) await deleteTrigger(sql, gone.id);
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

  async recordMissedFire(triggerId: string, fireAt: number): Promise<boolean> {
    return this.#db.transaction((sql) => insertFire(sql, triggerId, fireAt, 'missed', null));
  }

  async listFires(triggerId: string, options: { limit?: number } = {}): Promise<ScheduleFire[]> {
    const rows = await this.#db.rows(
      'SELECT * FROM schedule_fires WHERE trigger_id = $1 ORDER BY fire_at DESC LIMIT $2',
      [triggerId, options.limit ?? 100],
    );
    return rows.map(scheduleFireFromRow);
  }

  async removeFlow(flowId: string): Promise<number> {
    return this.#db.transaction(async (sql) => {
      const ids = (await sql.rows('SELECT id FROM triggers WHERE flow_id = $1', [flowId])).map(
        (row) => row.id as string,
      );
      for (const id of ids) await deleteTrigger(sql, id);
      return ids.length;
    });
  }
}

/**
 * Claims a tick for the run being inserted, inside the store's commit transaction; false when the
 * tick already has a row. A second server inserting the same tick waits on the first one's
 * transaction and then finds the row. A won claim moves the trigger's `lastFireAt` forward.
 */
export async function claimStartedFire(
  sql: Sql,
  triggerId: string,
  fireAt: number,
  runId: string,
): Promise<boolean> {
  if (!(await insertFire(sql, triggerId, fireAt, 'started', runId))) return false;
  await sql.run(
    'UPDATE triggers SET last_fire_at = $1 WHERE id = $2 AND (last_fire_at IS NULL OR last_fire_at < $1)',
    [fireAt, triggerId],
  );
  return true;
}

async function insertFire(
  sql: Sql,
  triggerId: string,
  fireAt: number,
  status: ScheduleFireStatus,
  runId: string | null,
): Promise<boolean> {
  const inserted = await sql.run(
    'INSERT INTO schedule_fires (trigger_id, fire_at, status, run_id, recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (trigger_id, fire_at) DO NOTHING',
    [triggerId, fireAt, status, runId, Date.now()],
  );
  if (inserted === 0) return false;
  // Each claim keeps its own trigger's rows pruned: no sweeper, and at most a few rows per claim.
  await sql.run('DELETE FROM schedule_fires WHERE trigger_id = $1 AND fire_at < $2', [
    triggerId,
    fireAt - SCHEDULE_FIRE_RETENTION_MS,
  ]);
  return true;
}

async function deleteTrigger(sql: Sql, triggerId: string): Promise<void> {
  await sql.run('DELETE FROM schedule_fires WHERE trigger_id = $1', [triggerId]);
  await sql.run('DELETE FROM triggers WHERE id = $1', [triggerId]);
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
