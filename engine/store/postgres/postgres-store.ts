// The PostgreSQL store: several servers share one database. Every scheduler tick commits in one
// transaction; fenced commits lock the runs they touch; claims skip rows another server is
// claiming; events take their sequence numbers under one lock, in commit order.
import { R1flowError } from '../../errors.ts';
import type { FlowDocument } from '../../flow-schema.ts';
import { projectOf } from '../../projects.ts';
import type { ApiKeyRecords } from '../api-key-records.ts';
import type { AuditRecords } from '../audit-records.ts';
import type { ConnectionRecords } from '../connection-records.ts';
import type { DraftRecords } from '../draft-records.ts';
import type { ExampleRecords, FeedbackRecords } from '../feedback-records.ts';
import { runLeaseLost, runsToFence } from '../fencing.ts';
import type { PinRecords } from '../pin-records.ts';
import { prunableRunsSql } from '../prunable-runs-sql.ts';
import type {
  FlowSummary,
  FlowVersion,
  NodeAttemptRecord,
  RunEvent,
  RunFilter,
  RunRecord,
  StoreChange,
} from '../records.ts';
import type { ReplayRecords } from '../replay-records.ts';
import { flowFromRow, versionFromRow, versionSummaryFromRow } from '../repository-row-mappers.ts';
import type { Row } from '../row-mappers.ts';
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
} from '../row-mappers.ts';
import type { RunPrunePolicy, Store, StoredRun } from '../store.ts';
import { scheduleTickTaken, type TriggerRecords } from '../trigger-records.ts';
import type { UserRecords } from '../user-records.ts';
import { PostgresApiKeyRecords } from './postgres-api-key-records.ts';
import { PostgresAuditRecords } from './postgres-audit-records.ts';
import { PostgresConnectionRecords } from './postgres-connection-records.ts';
import type { PostgresDatabase, Sql } from './postgres-database.ts';
import { PostgresDraftRecords } from './postgres-draft-records.ts';
import { PostgresExampleRecords, PostgresFeedbackRecords } from './postgres-feedback-records.ts';
import { PostgresPinRecords } from './postgres-pin-records.ts';
import { PostgresReplayRecords } from './postgres-replay-records.ts';
import { claimStartedFire, PostgresTriggerRecords } from './postgres-trigger-records.ts';
import { PostgresUserRecords } from './postgres-user-records.ts';

const ACTIVE = "('queued', 'running')";

/**
 * The retention query with positional parameters. SKIP LOCKED: a run another server is writing or
 * pruning right now waits for the next pass.
 */
const PRUNABLE_RUNS = prunableRunsSql({
  finishedBefore: '$1',
  failedBefore: '$2',
  flowId: '$3::text',
  flowNotExcluded: 'NOT (r.flow_id = ANY($4::text[]))',
  limit: '$5',
  idOrder: 'COLLATE "C"',
  lock: 'FOR UPDATE OF r SKIP LOCKED',
});

/**
 * Taken (for the rest of the transaction) by every commit that writes events, before anything
 * else. A sequence alone hands out numbers in call order, not commit order: a reader paging by
 * `afterSeq` could pass a number whose commit lands later and never see that event. Under the
 * lock, numbers are drawn and committed one transaction at a time.
 */
const EVENT_LOCK = 7_231_002;

export class PostgresStore implements Store {
  readonly #db: PostgresDatabase;
  readonly drafts: DraftRecords;
  readonly triggers: TriggerRecords;
  readonly apiKeys: ApiKeyRecords;
  readonly users: UserRecords;
  readonly replays: ReplayRecords;
  readonly connections: ConnectionRecords;
  readonly feedback: FeedbackRecords;
  readonly examples: ExampleRecords;
  readonly audit: AuditRecords;
  readonly pins: PinRecords;

  /** Takes a migrated database (openPostgresStore opens and migrates one). */
  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.drafts = new PostgresDraftRecords(db);
    this.triggers = new PostgresTriggerRecords(db);
    this.apiKeys = new PostgresApiKeyRecords(db);
    this.users = new PostgresUserRecords(db);
    this.replays = new PostgresReplayRecords(db);
    this.connections = new PostgresConnectionRecords(db);
    this.feedback = new PostgresFeedbackRecords(db);
    this.examples = new PostgresExampleRecords(db);
    this.audit = new PostgresAuditRecords(db);
    this.pins = new PostgresPinRecords(db);
  }

  async saveFlow(document: FlowDocument): Promise<FlowVersion> {
    const now = Date.now();
    return this.#db.transaction(async (sql) => {
      // One statement numbers the version and locks the flow's row until commit, so concurrent
      // saves of one flow get consecutive versions.
      const flow = await sql.row(
        `INSERT INTO flows (id, name, project, latest_version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, project = excluded.project,
           latest_version = flows.latest_version + 1, updated_at = excluded.updated_at, deleted_at = NULL
         RETURNING latest_version`,
        [document.id, document.name, projectOf(document), now],
      );
      const version = flow!.latest_version as number;
      const stored: FlowDocument = { ...document, version };
      await sql.run(
        'INSERT INTO flow_versions (flow_id, version, document, created_at) VALUES ($1, $2, $3, $4)',
        [document.id, version, JSON.stringify(stored), now],
      );
      return { flowId: document.id, version, document: stored, createdAt: now, publication: null };
    });
  }

  async publishVersion(
    flowId: string,
    version: number,
    publication: { by: string | null; note: string | null },
  ): Promise<FlowVersion> {
    const now = Date.now();
    return this.#db.transaction(async (sql) => {
      const flows = await sql.run(
        'UPDATE flows SET published_version = $1, updated_at = $2 WHERE id = $3 AND deleted_at IS NULL',
        [version, now, flowId],
      );
      if (flows === 0) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}"`);
      await sql.run(
        'UPDATE flow_versions SET published_at = $1, published_by = $2, publish_note = $3 WHERE flow_id = $4 AND version = $5 AND published_at IS NULL',
        [now, publication.by, publication.note, flowId, version],
      );
      const row = await sql.row('SELECT * FROM flow_versions WHERE flow_id = $1 AND version = $2', [
        flowId,
        version,
      ]);
      if (!row) throw new R1flowError('FLOW_NOT_FOUND', `flow "${flowId}" has no version ${version}`);
      return versionFromRow(row);
    });
  }

  async getFlow(flowId: string): Promise<FlowSummary | null> {
    const row = await this.#db.row('SELECT * FROM flows WHERE id = $1 AND deleted_at IS NULL', [flowId]);
    return row ? flowFromRow(row) : null;
  }

  async listFlows(): Promise<FlowSummary[]> {
    return (await this.#db.rows('SELECT * FROM flows WHERE deleted_at IS NULL ORDER BY updated_at DESC')).map(
      flowFromRow,
    );
  }

  async getFlowVersion(flowId: string, version?: number): Promise<FlowVersion | null> {
    const row =
      version === undefined
        ? await this.#db.row(
            'SELECT v.* FROM flow_versions v JOIN flows f ON f.id = v.flow_id AND f.latest_version = v.version WHERE v.flow_id = $1 AND f.deleted_at IS NULL',
            [flowId],
          )
        : await this.#db.row('SELECT * FROM flow_versions WHERE flow_id = $1 AND version = $2', [
            flowId,
            version,
          ]);
    return row ? versionFromRow(row) : null;
  }

  async listFlowVersions(flowId: string): Promise<Omit<FlowVersion, 'document'>[]> {
    const rows = await this.#db.rows(
      'SELECT flow_id, version, created_at, published_at, published_by, publish_note FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC',
      [flowId],
    );
    return rows.map(versionSummaryFromRow);
  }

  async setFlowEnabled(flowId: string, enabled: boolean): Promise<void> {
    const changed = await this.#db.run(
      'UPDATE flows SET enabled = $1, updated_at = $2 WHERE id = $3 AND deleted_at IS NULL',
      [enabled ? 1 : 0, Date.now(), flowId],
    );
    if (changed === 0) throw new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}"`);
  }

  async deleteFlow(flowId: string): Promise<boolean> {
    const now = Date.now();
    return this.#db.transaction(async (sql) => {
      await sql.run('DELETE FROM flow_drafts WHERE flow_id = $1', [flowId]);
      // A re-created flow starts unpublished: its old version's triggers are gone with it.
      const deleted = await sql.run(
        'UPDATE flows SET deleted_at = $1, updated_at = $1, published_version = NULL WHERE id = $2 AND deleted_at IS NULL',
        [now, flowId],
      );
      return deleted > 0;
    });
  }

  async commit(changes: readonly StoreChange[], options: { owner?: string } = {}): Promise<RunEvent[]> {
    if (changes.length === 0) return [];
    return this.#db.transaction(async (sql) => {
      // The event lock comes first, before any row lock, so commits never wait on each other in a cycle.
      if (changes.some((change) => change.kind === 'event')) {
        await sql.run('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK]);
      }
      if (options.owner !== undefined) await checkOwner(sql, changes, options.owner);
      const events: RunEvent[] = [];
      for (const change of changes) {
        const event = await applyChange(sql, change);
        if (event) events.push(event);
      }
      return events;
    });
  }

  async getRun(runId: string): Promise<StoredRun | null> {
    const row = await this.#db.row('SELECT * FROM runs WHERE id = $1', [runId]);
    if (!row) return null;
    const nodes = await this.#db.rows('SELECT * FROM node_runs WHERE run_id = $1 ORDER BY position', [runId]);
    return { run: runFromRow(row), nodes: nodes.map(nodeFromRow) };
  }

  async getRunRecord(runId: string): Promise<RunRecord | null> {
    const row = await this.#db.row('SELECT * FROM runs WHERE id = $1', [runId]);
    return row ? runFromRow(row) : null;
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.flowId) where.push(`flow_id = ${param(filter.flowId)}`);
    if (filter.threadId) where.push(`thread_id = ${param(filter.threadId)}`);
    if (filter.startedByUser) where.push(`(started_by::jsonb) ->> 'userId' = ${param(filter.startedByUser)}`);
    if (filter.visibleTo) {
      const { projects, ownIn, userId } = filter.visibleTo;
      where.push(
        `(project = ANY(${param([...projects])}::text[]) OR (project = ANY(${param([...ownIn])}::text[]) AND (started_by::jsonb) ->> 'userId' = ${param(userId)}))`,
      );
    }
    if (filter.status) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`status = ANY(${param(statuses)}::text[])`);
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT ${param(filter.limit ?? 50)} OFFSET ${param(filter.offset ?? 0)}`;
    return (await this.#db.rows(sql, values)).map(runFromRow);
  }

  async countRunsByStatus(): Promise<Record<string, number>> {
    const rows = await this.#db.rows('SELECT status, count(*) AS n FROM runs GROUP BY status');
    return Object.fromEntries(rows.map((row) => [row.status as string, row.n as number]));
  }

  async findRunByIdempotencyKey(flowId: string, key: string): Promise<RunRecord | null> {
    const row = await this.#db.row('SELECT * FROM runs WHERE flow_id = $1 AND idempotency_key = $2', [
      flowId,
      key,
    ]);
    return row ? runFromRow(row) : null;
  }

  async listAttempts(runId: string): Promise<NodeAttemptRecord[]> {
    const rows = await this.#db.rows(
      'SELECT * FROM node_attempts WHERE run_id = $1 ORDER BY finished_at, attempt',
      [runId],
    );
    return rows.map(attemptFromRow);
  }

  async readEvents(options: { runId?: string; afterSeq?: number; limit?: number }): Promise<RunEvent[]> {
    const after = options.afterSeq ?? 0;
    const limit = options.limit ?? 1000;
    const rows =
      options.runId === undefined
        ? await this.#db.rows('SELECT * FROM run_events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit])
        : await this.#db.rows(
            'SELECT * FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
            [options.runId, after, limit],
          );
    return rows.map(eventFromRow);
  }

  async listActiveRunOwners(): Promise<{ owner: string | null; leaseUntil: number | null }[]> {
    const rows = await this.#db.rows(
      `SELECT owner, max(lease_until) AS lease_until FROM runs WHERE status IN ${ACTIVE} GROUP BY owner`,
    );
    return rows.map(activeOwnerFromRow);
  }

  async claimRuns(
    owner: string,
    leaseUntil: number,
    now: number,
    deadOwners: readonly string[],
  ): Promise<string[]> {
    // SKIP LOCKED: rows another server is claiming (or committing) right now are left to it; a row
    // it claimed and committed no longer matches when the update re-checks it.
    const rows = await this.#db.rows(
      `UPDATE runs SET owner = $1, lease_until = $2 WHERE id IN (
         SELECT id FROM runs WHERE status IN ${ACTIVE}
           AND (owner IS NULL OR lease_until IS NULL OR lease_until < $3 OR owner = ANY($4::text[]))
         FOR UPDATE SKIP LOCKED
       ) RETURNING id`,
      [owner, leaseUntil, now, [...deadOwners]],
    );
    return rows.map((row) => row.id as string);
  }

  async renewLeases(
    owner: string,
    leaseUntil: number,
    runIds: readonly string[],
  ): Promise<{ cancelRequested: string[]; lost: string[] }> {
    if (runIds.length === 0) return { cancelRequested: [], lost: [] };
    const ids = [...runIds];
    return this.#db.transaction(async (sql) => {
      await sql.run(
        `UPDATE runs SET lease_until = $1 WHERE owner = $2 AND status IN ${ACTIVE} AND id = ANY($3::text[])`,
        [leaseUntil, owner, ids],
      );
      const cancelling = new Set(
        (
          await sql.rows(
            `SELECT id FROM runs WHERE owner = $1 AND cancel_requested = 1 AND status IN ${ACTIVE} AND id = ANY($2::text[])`,
            [owner, ids],
          )
        ).map((row) => row.id as string),
      );
      // A run that finished a moment ago is still ours; one with another owner, or none stored, is not.
      const owned = new Set(
        (await sql.rows('SELECT id FROM runs WHERE owner = $1 AND id = ANY($2::text[])', [owner, ids])).map(
          (row) => row.id as string,
        ),
      );
      return {
        cancelRequested: ids.filter((id) => cancelling.has(id)),
        lost: ids.filter((id) => !owned.has(id)),
      };
    });
  }

  async requestCancel(runId: string): Promise<void> {
    const changed = await this.#db.run('UPDATE runs SET cancel_requested = 1 WHERE id = $1', [runId]);
    if (changed === 0) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  }

  async openThread(runId: string): Promise<string | null> {
    const row = await this.#db.row(
      'UPDATE runs SET thread_id = coalesce(thread_id, id) WHERE id = $1 RETURNING thread_id',
      [runId],
    );
    return (row?.thread_id as string | undefined) ?? null;
  }

  async pruneRuns(policy: RunPrunePolicy): Promise<number> {
    if (policy.limit <= 0) return 0;
    return this.#db.transaction(async (sql) => {
      const ids = (
        await sql.rows(PRUNABLE_RUNS, [
          policy.finishedBefore,
          policy.failedBefore,
          policy.flowId ?? null,
          [...(policy.excludeFlows ?? [])],
          policy.limit,
        ])
      ).map((row) => row.id as string);
      if (ids.length === 0) return 0;
      for (const table of ['node_attempts', 'node_runs', 'run_events']) {
        await sql.run(`DELETE FROM ${table} WHERE run_id = ANY($1::text[])`, [ids]);
      }
      return sql.run('DELETE FROM runs WHERE id = ANY($1::text[])', [ids]);
    });
  }

  async getNodeKey(runId: string, nodeId: string): Promise<string | null> {
    const row = await this.#db.row('SELECT node_key FROM node_runs WHERE run_id = $1 AND node_id = $2', [
      runId,
      nodeId,
    ]);
    return (row?.node_key as string | undefined) ?? null;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/**
 * Fencing: locks the runs the batch touches (in id order, so two fenced commits never deadlock)
 * and refuses the whole batch when any is no longer owned by `owner`. Runs the batch inserts are
 * its own.
 */
async function checkOwner(sql: Sql, changes: readonly StoreChange[], owner: string): Promise<void> {
  const checked = runsToFence(changes);
  if (checked.length === 0) return;
  const rows = await sql.rows(
    'SELECT id, owner FROM runs WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [[...checked].sort()],
  );
  const ownerOf = new Map(rows.map((row) => [row.id as string, row.owner as string | null]));
  const lost = checked.filter((runId) => ownerOf.get(runId) !== owner);
  if (lost.length > 0) throw runLeaseLost(owner, lost);
}

/** Writes one change; an event comes back with its sequence number. */
async function applyChange(sql: Sql, change: StoreChange): Promise<RunEvent | undefined> {
  switch (change.kind) {
    case 'insertRun':
      await insertRows(sql, 'runs', [runToRow(change.run)]);
      await insertRows(
        sql,
        'node_runs',
        change.nodes.map((node, position) => ({ ...nodeToRow(node), position })),
      );
      return undefined;
    case 'updateRun':
      await updateRow(sql, 'runs', { id: change.runId }, change.patch);
      return undefined;
    case 'updateNode':
      await updateRow(sql, 'node_runs', { run_id: change.runId, node_id: change.nodeId }, change.patch);
      return undefined;
    case 'insertAttempt': {
      const a = change.attempt;
      await sql.run(
        `INSERT INTO node_attempts (run_id, node_id, attempt, status, error, started_at, finished_at, cost)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET status = excluded.status, error = excluded.error,
           started_at = excluded.started_at, finished_at = excluded.finished_at, cost = excluded.cost`,
        [a.runId, a.nodeId, a.attempt, a.status, toJson(a.error), a.startedAt, a.finishedAt, toJson(a.cost)],
      );
      return undefined;
    }
    case 'event': {
      const e = change.event;
      const row = await sql.row(
        'INSERT INTO run_events (run_id, type, node_id, data, at) VALUES ($1, $2, $3, $4, $5) RETURNING seq',
        [e.runId, e.type, e.nodeId, toJson(e.data), e.at],
      );
      return { ...e, seq: row!.seq as number };
    }
    case 'claimFire':
      if (!(await claimStartedFire(sql, change.triggerId, change.fireAt, change.runId))) {
        throw scheduleTickTaken(change.triggerId, change.fireAt);
      }
      return undefined;
  }
}

/** One multi-row INSERT of rows with the same columns. */
async function insertRows(sql: Sql, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      values.push(row[column]);
      return `$${values.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  await sql.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

async function updateRow(sql: Sql, table: string, key: Row, patch: Record<string, unknown>): Promise<void> {
  const { columns, values } = patchColumns(patch);
  if (columns.length === 0) return;
  const keyColumns = Object.keys(key);
  const set = columns.map((column, i) => `${column} = $${i + 1}`).join(', ');
  const where = keyColumns.map((column, i) => `${column} = $${columns.length + i + 1}`).join(' AND ');
  await sql.run(`UPDATE ${table} SET ${set} WHERE ${where}`, [...values, ...keyColumns.map((c) => key[c])]);
}
