// The triggers table of a SQLite store. Webhooks look their trigger up on every request, so the
// statements are prepared once (statement cache).
import type { Database, Statement } from 'better-sqlite3';
import { R1flowError } from '../errors.ts';
import { newId } from '../ids.ts';
import { scheduleFireFromRow, triggerFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';
import {
  SCHEDULE_FIRE_RETENTION_MS,
  type ScheduleFire,
  type ScheduleFireStatus,
  type StoredTrigger,
  type TriggerCredential,
  type TriggerDraft,
  type TriggerFilter,
  type TriggerRecords,
} from './trigger-records.ts';

export class SqliteTriggerRecords implements TriggerRecords {
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;

  constructor(db: Database, sql: (text: string) => Statement) {
    this.#db = db;
    this.#sql = sql;
  }

  async list(filter: TriggerFilter = {}): Promise<StoredTrigger[]> {
    const rows = this.#sql(
      'SELECT * FROM triggers WHERE (@flowId IS NULL OR flow_id = @flowId) AND (@kind IS NULL OR kind = @kind) ORDER BY created_at, rowid',
    ).all({ flowId: filter.flowId ?? null, kind: filter.kind ?? null }) as Row[];
    return rows.map(triggerFromRow);
  }

  async get(id: string): Promise<StoredTrigger | null> {
    const row = this.#sql('SELECT * FROM triggers WHERE id = ?').get(id) as Row | undefined;
    return row ? triggerFromRow(row) : null;
  }

  async byPath(path: string): Promise<StoredTrigger | null> {
    const row = this.#sql('SELECT * FROM triggers WHERE path = ?').get(path) as Row | undefined;
    return row ? triggerFromRow(row) : null;
  }

  async syncFlow(
    flowId: string,
    flowVersion: number,
    drafts: readonly TriggerDraft[],
    credentialFor: (draft: TriggerDraft, previous: StoredTrigger | null) => TriggerCredential | null,
  ): Promise<StoredTrigger[]> {
    const now = Date.now();
    const apply = this.#db.transaction(() => {
      const existing = new Map(
        (this.#sql('SELECT * FROM triggers WHERE flow_id = ?').all(flowId) as Row[])
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
          this.#sql(
            'UPDATE triggers SET flow_version = ?, kind = ?, path = ?, config = ?, updated_at = ? WHERE id = ?',
          ).run(flowVersion, draft.kind, draft.path, config, now, id);
        } else {
          id = newId('trg_', 6);
          this.#sql(
            'INSERT INTO triggers (id, flow_id, flow_version, node_id, kind, path, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          ).run(id, flowId, flowVersion, draft.nodeId, draft.kind, draft.path, config, now, now);
        }
        const credential = credentialFor(draft, previous);
        if (credential) this.#writeCredential(id, credential);
      }
      for (const gone of existing.values()) this.#delete(gone.id);
    });
    try {
      apply.immediate();
    } catch (error) {
      // The server checks paths before saving; this catches a concurrent save of another flow.
      if ((error as Error).message.includes('UNIQUE constraint failed: triggers.path')) {
        throw new R1flowError('BAD_REQUEST', 'a webhook path of this flow is already served by another flow');
      }
      throw error;
    }
    return this.list({ flowId });
  }

  async setCredential(id: string, credential: TriggerCredential): Promise<boolean> {
    return this.#writeCredential(id, credential);
  }

  #writeCredential(id: string, credential: TriggerCredential): boolean {
    const [sealed, tokenHash] =
      'secretSealed' in credential ? [credential.secretSealed, null] : [null, credential.tokenHash];
    return (
      this.#sql('UPDATE triggers SET secret_enc = ?, token_hash = ? WHERE id = ?').run(sealed, tokenHash, id)
        .changes > 0
    );
  }

  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    return (
      this.#sql('UPDATE triggers SET enabled = ?, updated_at = ? WHERE id = ?').run(
        enabled ? 1 : 0,
        Date.now(),
        id,
      ).changes > 0
    );
  }

  async recordMissedFire(triggerId: string, fireAt: number): Promise<boolean> {
    return this.#db.transaction(() => this.#insertFire(triggerId, fireAt, 'missed', null)).immediate();
  }

  /**
   * Claims a tick for the run being inserted, inside the store's commit transaction; false when
   * the tick already has a row. A won claim moves the trigger's `lastFireAt` forward.
   */
  claimStartedFire(triggerId: string, fireAt: number, runId: string): boolean {
    if (!this.#insertFire(triggerId, fireAt, 'started', runId)) return false;
    this.#sql(
      'UPDATE triggers SET last_fire_at = ? WHERE id = ? AND (last_fire_at IS NULL OR last_fire_at < ?)',
    ).run(fireAt, triggerId, fireAt);
    return true;
  }

  #insertFire(triggerId: string, fireAt: number, status: ScheduleFireStatus, runId: string | null): boolean {
    const inserted = this.#sql(
      'INSERT INTO schedule_fires (trigger_id, fire_at, status, run_id, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (trigger_id, fire_at) DO NOTHING',
    ).run(triggerId, fireAt, status, runId, Date.now());
    if (inserted.changes === 0) return false;
    // Each claim keeps its own trigger's rows pruned: no sweeper, and at most a few rows per claim.
    this.#sql('DELETE FROM schedule_fires WHERE trigger_id = ? AND fire_at < ?').run(
      triggerId,
      fireAt - SCHEDULE_FIRE_RETENTION_MS,
    );
    return true;
  }

  async listFires(triggerId: string, options: { limit?: number } = {}): Promise<ScheduleFire[]> {
    const rows = this.#sql(
      'SELECT * FROM schedule_fires WHERE trigger_id = ? ORDER BY fire_at DESC LIMIT ?',
    ).all(triggerId, options.limit ?? 100) as Row[];
    return rows.map(scheduleFireFromRow);
  }

  async removeFlow(flowId: string): Promise<number> {
    const remove = this.#db.transaction(() => {
      const ids = this.#sql('SELECT id FROM triggers WHERE flow_id = ?').pluck().all(flowId) as string[];
      for (const id of ids) this.#delete(id);
      return ids.length;
    });
    return remove.immediate();
  }

  #delete(triggerId: string): void {
    this.#sql('DELETE FROM schedule_fires WHERE trigger_id = ?').run(triggerId);
    this.#sql('DELETE FROM triggers WHERE id = ?').run(triggerId);
  }
}
