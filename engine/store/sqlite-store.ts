// The SQLite store: one file, WAL, every scheduler tick committed in one transaction.
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { R1flowError } from '../errors.ts';
import type { FlowDocument } from '../flow-schema.ts';
import { projectOf } from '../projects.ts';
import type { ApiKeyRecords } from './api-key-records.ts';
import type { AuditRecords } from './audit-records.ts';
import type { ConnectionRecords } from './connection-records.ts';
import type { DraftRecords } from './draft-records.ts';
import type { ExampleRecords, FeedbackRecords } from './feedback-records.ts';
import { runLeaseLost, runsToFence } from './fencing.ts';
import { openStoreDatabase } from './open-database.ts';
import type { PinRecords } from './pin-records.ts';
import { prunableRunsSql } from './prunable-runs-sql.ts';
import type {
  FlowSummary,
  FlowVersion,
  NodeAttemptRecord,
  RunEvent,
  RunFilter,
  RunRecord,
  StoreChange,
} from './records.ts';
import type { ReplayRecords } from './replay-records.ts';
import { flowFromRow, versionFromRow, versionSummaryFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';
import {
  activeOwnerFromRow,
  attemptFromRow,
  eventFromRow,
  nodeFromRow,
  nodeToRow,
  patchColumns,
  runFromRow,
  runToRow,
  toJson,
} from './row-mappers.ts';
import { SqliteApiKeyRecords } from './sqlite-api-key-records.ts';
import { SqliteAuditRecords } from './sqlite-audit-records.ts';
import { SqliteConnectionRecords } from './sqlite-connection-records.ts';
import { SqliteDraftRecords } from './sqlite-draft-records.ts';
import { SqliteExampleRecords, SqliteFeedbackRecords } from './sqlite-feedback-records.ts';
import { SqlitePinRecords } from './sqlite-pin-records.ts';
import { SqliteReplayRecords } from './sqlite-replay-records.ts';
import { SqliteTriggerRecords } from './sqlite-trigger-records.ts';
import { SqliteUserRecords } from './sqlite-user-records.ts';
import { createStatementCache } from './statement-cache.ts';
import type { RunPrunePolicy, Store, StoredRun } from './store.ts';
import { scheduleTickTaken, type TriggerRecords } from './trigger-records.ts';
import type { UserRecords } from './user-records.ts';

const ACTIVE = "('queued', 'running')";

/** The retention query with SQLite's named parameters. */
const PRUNABLE_RUNS = prunableRunsSql({
  finishedBefore: '@finishedBefore',
  failedBefore: '@failedBefore',
  flowId: '@flowId',
  flowNotExcluded: 'r.flow_id NOT IN (SELECT value FROM json_each(@excludeFlows))',
  limit: '@limit',
});

export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;
  readonly #applyChanges: Transaction<
    (changes: readonly StoreChange[], owner: string | undefined) => RunEvent[]
  >;
  readonly drafts: DraftRecords;
  readonly triggers: TriggerRecords;
  readonly #triggers: SqliteTriggerRecords;
  readonly apiKeys: ApiKeyRecords;
  readonly users: UserRecords;
  readonly replays: ReplayRecords;
  readonly connections: ConnectionRecords;
  readonly feedback: FeedbackRecords;
  readonly examples: ExampleRecords;
  readonly audit: AuditRecords;
  readonly pins: PinRecords;

  constructor(path: string) {
    this.path = path;
    this.#db = openStoreDatabase(path);
    this.#sql = createStatementCache(this.#db);
    this.#applyChanges = this.#db.transaction((changes: readonly StoreChange[], owner: string | undefined) =>
      this.#apply(changes, owner),
    );
    this.drafts = new SqliteDraftRecords(this.#db, this.#sql);
    this.#triggers = new SqliteTriggerRecords(this.#db, this.#sql);
    this.triggers = this.#triggers;
    this.apiKeys = new SqliteApiKeyRecords(this.#sql);
    this.users = new SqliteUserRecords(this.#db, this.#sql);
    this.replays = new SqliteReplayRecords(this.#sql);
    this.connections = new SqliteConnectionRecords(this.#sql);
    const examples = new SqliteExampleRecords(this.#sql);
    this.examples = examples;
    this.feedback = new SqliteFeedbackRecords(this.#db, this.#sql, examples);
    this.audit = new SqliteAuditRecords(this.#db, this.#sql);
    this.pins = new SqlitePinRecords(this.#sql);
  }

  async saveFlow(document: FlowDocument): Promise<FlowVersion> {
    const now = Date.now();
    const save = this.#db.transaction((): FlowVersion => {
      const existing = this.#sql('SELECT latest_version FROM flows WHERE id = ?').get(document.id) as
        | { latest_version: number }
        | undefined;
      const version = (existing?.latest_version ?? 0) + 1;
      const stored: FlowDocument = { ...document, version };
      if (existing) {
        this.#sql(
          'UPDATE flows SET name = ?, project = ?, latest_version = ?, updated_at = ?, deleted_at = NULL WHERE id = ?',
        ).run(document.name, projectOf(document), version, now, document.id);
      } else {
        this.#sql(
          'INSERT INTO flows (id, name, project, latest_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(document.id, document.name, projectOf(document), version, now, now);
      }
      this.#sql('INSERT INTO flow_versions (flow_id, version, document, created_at) VALUES (?, ?, ?, ?)').run(
        document.id,
        version,
        JSON.stringify(stored),
        now,
      );
      return { flowId: document.id, version, document: stored, createdAt: now, publication: null };
    });
    return save.immediate();
  }

  async publishVersion(
    flowId: string,
    version: number,
    publication: { by: string | null; note: string | null },
  ): Promise<FlowVersion> {
    const now = Date.now();
    const publish = this.#db.transaction((): FlowVersion => {
      const flow = this.#sql(
        'UPDATE flows SET published_version = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
      ).run(version, now, flowId);
      if (flow.changes === 0) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}"`);
      this.#sql(
        'UPDATE flow_versions SET published_at = ?, published_by = ?, publish_note = ? WHERE flow_id = ? AND version = ? AND published_at IS NULL',
      ).run(now, publication.by, publication.note, flowId, version);
      const row = this.#sql('SELECT * FROM flow_versions WHERE flow_id = ? AND version = ?').get(
        flowId,
        version,
      ) as Row | undefined;
      if (!row) throw new R1flowError('FLOW_NOT_FOUND', `flow "${flowId}" has no version ${version}`);
      return versionFromRow(row);
    });
    return publish.immediate();
  }

  async getFlow(flowId: string): Promise<FlowSummary | null> {
    const row = this.#sql('SELECT * FROM flows WHERE id = ? AND deleted_at IS NULL').get(flowId) as
      | Row
      | undefined;
    return row ? flowFromRow(row) : null;
  }

  async listFlows(): Promise<FlowSummary[]> {
    return (
      this.#sql('SELECT * FROM flows WHERE deleted_at IS NULL ORDER BY updated_at DESC').all() as Row[]
    ).map(flowFromRow);
  }

  async getFlowVersion(flowId: string, version?: number): Promise<FlowVersion | null> {
    const row = (
      version === undefined
        ? this.#sql(
            'SELECT v.* FROM flow_versions v JOIN flows f ON f.id = v.flow_id AND f.latest_version = v.version WHERE v.flow_id = ? AND f.deleted_at IS NULL',
          ).get(flowId)
        : this.#sql('SELECT * FROM flow_versions WHERE flow_id = ? AND version = ?').get(flowId, version)
    ) as Row | undefined;
    return row ? versionFromRow(row) : null;
  }

  async listFlowVersions(flowId: string): Promise<Omit<FlowVersion, 'document'>[]> {
    const rows = this.#sql(
      'SELECT flow_id, version, created_at, published_at, published_by, publish_note FROM flow_versions WHERE flow_id = ? ORDER BY version DESC',
    ).all(flowId) as Row[];
    return rows.map(versionSummaryFromRow);
  }

  async setFlowEnabled(flowId: string, enabled: boolean): Promise<void> {
    const result = this.#sql(
      'UPDATE flows SET enabled = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
    ).run(enabled ? 1 : 0, Date.now(), flowId);
    if (result.changes === 0) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}"`);
  }

  async deleteFlow(flowId: string): Promise<boolean> {
    const now = Date.now();
    const remove = this.#db.transaction((): boolean => {
      this.#sql('DELETE FROM flow_drafts WHERE flow_id = ?').run(flowId);
      // A re-created flow starts unpublished: its old version's triggers are gone with it.
      return (
        this.#sql(
          'UPDATE flows SET deleted_at = ?, updated_at = ?, published_version = NULL WHERE id = ? AND deleted_at IS NULL',
        ).run(now, now, flowId).changes > 0
      );
    });
    return remove.immediate();
  }

  async commit(changes: readonly StoreChange[], options: { owner?: string } = {}): Promise<RunEvent[]> {
    if (changes.length === 0) return [];
    return this.#applyChanges.immediate(changes, options.owner);
  }

  #apply(changes: readonly StoreChange[], owner: string | undefined): RunEvent[] {
    if (owner !== undefined) this.#checkOwner(changes, owner);
    const events: RunEvent[] = [];
    for (const change of changes) {
      switch (change.kind) {
        case 'insertRun': {
          this.#insert('runs', runToRow(change.run));
          for (const [position, node] of change.nodes.entries()) {
            this.#insert('node_runs', { ...nodeToRow(node), position });
          }
          break;
        }
        case 'updateRun':
          this.#update('runs', 'id = ?', [change.runId], change.patch);
          break;
        case 'updateNode':
          this.#update(
            'node_runs',
            'run_id = ? AND node_id = ?',
            [change.runId, change.nodeId],
            change.patch,
          );
          break;
        case 'insertAttempt': {
          const a = change.attempt;
          this.#sql(
            'INSERT OR REPLACE INTO node_attempts (run_id, node_id, attempt, status, error, started_at, finished_at, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          ).run(
            a.runId,
            a.nodeId,
            a.attempt,
            a.status,
            toJson(a.error),
            a.startedAt,
            a.finishedAt,
            toJson(a.cost),
          );
          break;
        }
        case 'event': {
          const e = change.event;
          const result = this.#sql(
            'INSERT INTO run_events (run_id, type, node_id, data, at) VALUES (?, ?, ?, ?, ?)',
          ).run(e.runId, e.type, e.nodeId, toJson(e.data), e.at);
          events.push({ ...e, seq: Number(result.lastInsertRowid) });
          break;
        }
        case 'claimFire':
          if (!this.#triggers.claimStartedFire(change.triggerId, change.fireAt, change.runId)) {
            throw scheduleTickTaken(change.triggerId, change.fireAt);
          }
          break;
      }
    }
    return events;
  }

  /** Fencing: inside the write transaction, every touched run must still belong to `owner`. */
  #checkOwner(changes: readonly StoreChange[], owner: string): void {
    const lost = runsToFence(changes).filter(
      (runId) => this.#sql('SELECT owner FROM runs WHERE id = ?').pluck().get(runId) !== owner,
    );
    if (lost.length > 0) throw runLeaseLost(owner, lost);
  }

  #insert(table: string, row: Row): void {
    const columns = Object.keys(row);
    this.#sql(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...columns.map((c) => row[c]));
  }

  #update(table: string, where: string, keys: unknown[], patch: Record<string, unknown>): void {
    const { columns, values } = patchColumns(patch);
    if (columns.length === 0) return;
    this.#sql(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE ${where}`).run(
      ...values,
      ...keys,
    );
  }

  async getRun(runId: string): Promise<StoredRun | null> {
    const row = this.#sql('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
    if (!row) return null;
    const nodes = (
      this.#sql('SELECT * FROM node_runs WHERE run_id = ? ORDER BY position').all(runId) as Row[]
    ).map(nodeFromRow);
    return { run: runFromRow(row), nodes };
  }

  async getRunRecord(runId: string): Promise<RunRecord | null> {
    const row = this.#sql('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
    return row ? runFromRow(row) : null;
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.flowId) {
      where.push('flow_id = ?');
      values.push(filter.flowId);
    }
    if (filter.threadId) {
      where.push('thread_id = ?');
      values.push(filter.threadId);
    }
    if (filter.startedByUser) {
      where.push("json_extract(started_by, '$.userId') = ?");
      values.push(filter.startedByUser);
    }
    if (filter.visibleTo) {
      const { projects, ownIn, userId } = filter.visibleTo;
      const marks = (list: readonly string[]) => list.map(() => '?').join(', ') || 'NULL';
      where.push(
        `(project IN (${marks(projects)}) OR (project IN (${marks(ownIn)}) AND json_extract(started_by, '$.userId') = ?))`,
      );
      values.push(...projects, ...ownIn, userId);
    }
    if (filter.status) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      values.push(...statuses);
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
    const rows = this.#db.prepare(sql).all(...values, filter.limit ?? 50, filter.offset ?? 0) as Row[];
    return rows.map(runFromRow);
  }

  async countRunsByStatus(): Promise<Record<string, number>> {
    const rows = this.#sql('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Row[];
    return Object.fromEntries(rows.map((row) => [row.status as string, row.n as number]));
  }

  async findRunByIdempotencyKey(flowId: string, key: string): Promise<RunRecord | null> {
    const row = this.#sql('SELECT * FROM runs WHERE flow_id = ? AND idempotency_key = ?').get(flowId, key) as
      | Row
      | undefined;
    return row ? runFromRow(row) : null;
  }

  async listAttempts(runId: string): Promise<NodeAttemptRecord[]> {
    const rows = this.#sql('SELECT * FROM node_attempts WHERE run_id = ? ORDER BY finished_at, attempt').all(
      runId,
    ) as Row[];
    return rows.map(attemptFromRow);
  }

  async readEvents(options: { runId?: string; afterSeq?: number; limit?: number }): Promise<RunEvent[]> {
    const after = options.afterSeq ?? 0;
    const limit = options.limit ?? 1000;
    const rows = (
      options.runId === undefined
        ? this.#sql('SELECT * FROM run_events WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit)
        : this.#sql('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(
            options.runId,
            after,
            limit,
          )
    ) as Row[];
    return rows.map(eventFromRow);
  }

  async listActiveRunOwners(): Promise<{ owner: string | null; leaseUntil: number | null }[]> {
    const rows = this.#sql(
      `SELECT owner, max(lease_until) AS lease_until FROM runs WHERE status IN ${ACTIVE} GROUP BY owner`,
    ).all() as Row[];
    return rows.map(activeOwnerFromRow);
  }

  async claimRuns(
    owner: string,
    leaseUntil: number,
    now: number,
    deadOwners: readonly string[],
  ): Promise<string[]> {
    const dead = deadOwners.length > 0 ? ` OR owner IN (${deadOwners.map(() => '?').join(', ')})` : '';
    const sql = `UPDATE runs SET owner = ?, lease_until = ? WHERE status IN ${ACTIVE} AND (owner IS NULL OR lease_until IS NULL OR lease_until < ?${dead}) RETURNING id`;
    const rows = this.#db.prepare(sql).all(owner, leaseUntil, now, ...deadOwners) as Row[];
    return rows.map((row) => row.id as string);
  }

  async renewLeases(
    owner: string,
    leaseUntil: number,
    runIds: readonly string[],
  ): Promise<{ cancelRequested: string[]; lost: string[] }> {
    if (runIds.length === 0) return { cancelRequested: [], lost: [] };
    const ids = JSON.stringify(runIds);
    return this.#db
      .transaction(() => {
        this.#sql(
          `UPDATE runs SET lease_until = ? WHERE owner = ? AND status IN ${ACTIVE} AND id IN (SELECT value FROM json_each(?))`,
        ).run(leaseUntil, owner, ids);
        const cancelRequested = this.#sql(
          `SELECT id FROM runs WHERE owner = ? AND cancel_requested = 1 AND status IN ${ACTIVE} AND id IN (SELECT value FROM json_each(?))`,
        )
          .pluck()
          .all(owner, ids) as string[];
        // A run that finished a moment ago is still ours; one with another owner, or none stored, is not.
        const lost = this.#sql(
          'SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM runs WHERE owner = ?)',
        )
          .pluck()
          .all(ids, owner) as string[];
        return { cancelRequested, lost };
      })
      .immediate();
  }

  async requestCancel(runId: string): Promise<void> {
    const result = this.#sql('UPDATE runs SET cancel_requested = 1 WHERE id = ?').run(runId);
    if (result.changes === 0) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  }

  async openThread(runId: string): Promise<string | null> {
    const threadId = this.#sql(
      'UPDATE runs SET thread_id = coalesce(thread_id, id) WHERE id = ? RETURNING thread_id',
    )
      .pluck()
      .get(runId) as string | undefined;
    return threadId ?? null;
  }

  async pruneRuns(policy: RunPrunePolicy): Promise<number> {
    if (policy.limit <= 0) return 0;
    const prune = this.#db.transaction((): number => {
      const ids = JSON.stringify(
        this.#sql(PRUNABLE_RUNS)
          .pluck()
          .all({
            finishedBefore: policy.finishedBefore,
            failedBefore: policy.failedBefore,
            flowId: policy.flowId ?? null,
            excludeFlows: JSON.stringify(policy.excludeFlows ?? []),
            limit: policy.limit,
          }),
      );
      for (const table of ['node_attempts', 'node_runs', 'run_events']) {
        this.#sql(`DELETE FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))`).run(ids);
      }
      return this.#sql('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(ids).changes;
    });
    return prune.immediate();
  }

  async getNodeKey(runId: string, nodeId: string): Promise<string | null> {
    const key = this.#sql('SELECT node_key FROM node_runs WHERE run_id = ? AND node_id = ?')
      .pluck()
      .get(runId, nodeId) as string | undefined;
    return key ?? null;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
