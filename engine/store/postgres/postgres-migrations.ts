// The PostgreSQL store's schema: the SQLite store's final tables (engine/store/migrations.ts) in
// PostgreSQL terms, as named steps applied once each, in order, and recorded in
// `r1flow_migrations`. Several servers may start at once on one database: the steps run in one
// transaction under a transaction-level advisory lock, so one server migrates and the others
// find the work done. A database recording a step this r1flow does not know was written by a
// newer r1flow and is refused.
//
// Column types keep SQLite's encodings so both stores share their row mappers: times and sequence
// numbers BIGINT (epoch ms, parsed to numbers), flags INTEGER 0/1, JSON as text (values come back
// exactly as they were written). Tables SQLite lists in rowid order get a `row_order` identity.
import { R1flowError } from '../../errors.ts';
import type { PostgresDatabase, Sql } from './postgres-database.ts';

export interface PostgresMigration {
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'flows-and-runs',
    sql: `
      CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        latest_version INTEGER NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT,
        published_version INTEGER
      );
      CREATE TABLE flow_versions (
        flow_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        published_by TEXT,
        publish_note TEXT,
        PRIMARY KEY (flow_id, version)
      );
      CREATE TABLE flow_drafts (
        flow_id TEXT PRIMARY KEY,
        document TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        updated_by TEXT
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL,
        flow_version INTEGER NOT NULL,
        status TEXT NOT NULL,
        input TEXT,
        output TEXT,
        error TEXT,
        trigger TEXT NOT NULL,
        rerun_of TEXT,
        idempotency_key TEXT,
        owner TEXT,
        lease_until BIGINT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        thread_id TEXT,
        cost TEXT,
        started_by TEXT,
        access TEXT
      );
      CREATE INDEX runs_by_flow ON runs (flow_id, created_at);
      CREATE INDEX runs_active ON runs (status) WHERE status IN ('queued', 'running');
      CREATE UNIQUE INDEX runs_idempotency ON runs (flow_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX runs_by_thread ON runs (thread_id, created_at) WHERE thread_id IS NOT NULL;
      CREATE INDEX runs_by_starter ON runs (((started_by::jsonb) ->> 'userId'), created_at);
      CREATE TABLE node_runs (
        run_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        node_key TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        input TEXT,
        output TEXT,
        error TEXT,
        retry_at BIGINT,
        queued_at BIGINT,
        started_at BIGINT,
        finished_at BIGINT,
        duration_ms DOUBLE PRECISION,
        reused INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL DEFAULT 0,
        cost TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, node_id)
      );
      CREATE TABLE node_attempts (
        run_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        started_at BIGINT,
        finished_at BIGINT NOT NULL,
        cost TEXT,
        PRIMARY KEY (run_id, node_id, attempt)
      );
      -- seq is taken from the sequence under the store's event lock (postgres-store.ts), so it
      -- grows in commit order and readers paging by seq never miss a late commit.
      CREATE TABLE run_events (
        seq BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL,
        type TEXT NOT NULL,
        node_id TEXT,
        data TEXT,
        at BIGINT NOT NULL
      );
      CREATE INDEX run_events_by_run ON run_events (run_id, seq);
      CREATE TABLE flow_pins (
        flow_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        node_key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        output TEXT NOT NULL,
        pinned_at BIGINT NOT NULL,
        PRIMARY KEY (flow_id, node_id)
      );
    `,
  },
  {
    name: 'triggers-keys-users',
    sql: `
      CREATE TABLE triggers (
        id TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL,
        flow_version INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT,
        config TEXT NOT NULL,
        secret_enc TEXT,
        token_hash TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        last_fire_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        row_order BIGINT GENERATED ALWAYS AS IDENTITY,
        UNIQUE (flow_id, node_id)
      );
      CREATE UNIQUE INDEX triggers_by_path ON triggers (path) WHERE path IS NOT NULL;
      CREATE TABLE webhook_replays (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
      CREATE INDEX webhook_replays_expiry ON webhook_replays (expires_at);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT,
        user_id TEXT,
        row_order BIGINT GENERATED ALWAYS AS IDENTITY
      );
      -- Names are unique whatever their case, as SQLite's COLLATE NOCASE column makes them.
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        password_hash TEXT,
        disabled_at BIGINT,
        access TEXT,
        created_at BIGINT NOT NULL,
        row_order BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE UNIQUE INDEX users_by_name ON users (lower(name));
      CREATE TABLE user_roles (
        user_id TEXT NOT NULL,
        project TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'runner', 'viewer')),
        PRIMARY KEY (user_id, project)
      );
      CREATE TABLE connections (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        url_sealed TEXT NOT NULL,
        display TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_test_at BIGINT,
        last_test_ok INTEGER,
        last_test_message TEXT
      );
    `,
  },
  {
    name: 'feedback-and-examples',
    sql: `
      CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        question TEXT NOT NULL,
        chosen_sql TEXT,
        corrected_sql TEXT,
        comment TEXT,
        warehouse TEXT,
        dialect TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
        created_at BIGINT NOT NULL,
        reviewed_at BIGINT,
        example_id TEXT,
        row_order BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX feedback_by_state ON feedback (state, created_at);
      CREATE INDEX feedback_by_run ON feedback (run_id);
      CREATE TABLE examples (
        id TEXT PRIMARY KEY,
        warehouse TEXT NOT NULL,
        question TEXT NOT NULL,
        sql TEXT NOT NULL,
        feedback_id TEXT,
        created_at BIGINT NOT NULL,
        verified_at BIGINT NOT NULL,
        row_order BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX examples_by_warehouse ON examples (warehouse, created_at);
    `,
  },
  {
    // Append-only: the trigger refuses any UPDATE and TRUNCATE, and any DELETE except of entries
    // older than the cut-off that AuditRecords.prune writes into audit_prune_window inside its own
    // transaction (uncommitted, so no other session's DELETE sees it).
    name: 'audit-log',
    sql: `
      CREATE TABLE audit_log (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        actor_kind TEXT,
        actor_id TEXT,
        actor_name TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'refused', 'cancelled')),
        reason TEXT,
        run_id TEXT,
        node_id TEXT,
        target TEXT,
        attempt INTEGER,
        candidates TEXT,
        warehouse TEXT,
        dialect TEXT,
        sql TEXT,
        duration_ms DOUBLE PRECISION,
        row_count BIGINT,
        detail TEXT
      );
      CREATE INDEX audit_by_at ON audit_log (at);
      CREATE INDEX audit_by_run ON audit_log (run_id, seq) WHERE run_id IS NOT NULL;
      CREATE INDEX audit_by_actor ON audit_log (actor_id, seq) WHERE actor_id IS NOT NULL;
      CREATE INDEX audit_by_kind ON audit_log (kind, seq);
      CREATE TABLE audit_prune_window (id INTEGER PRIMARY KEY CHECK (id = 1), cutoff BIGINT NOT NULL);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_prune_window WHERE OLD.at < cutoff) THEN
          RETURN OLD;
        END IF;
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'audit_log is append-only: entries leave only through retention pruning';
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: entries cannot be changed';
      END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    // Flows and their runs belong to a project; a role in a project may carry table limits.
    name: 'projects',
    sql: `
      ALTER TABLE flows ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE runs ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX runs_by_project ON runs (project, created_at);
      ALTER TABLE user_roles ADD COLUMN access TEXT;
    `,
  },
  {
    // Retention prunes finished runs oldest first per status without scanning every run.
    name: 'runs-by-finish',
    sql: 'CREATE INDEX runs_by_finish ON runs (status, finished_at)',
  },
  {
    // One row per schedule tick: the primary key lets any number of servers fire a tick once.
    name: 'schedule-fires',
    sql: `
      CREATE TABLE schedule_fires (
        trigger_id TEXT NOT NULL,
        fire_at BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('started', 'missed')),
        run_id TEXT,
        recorded_at BIGINT NOT NULL,
        PRIMARY KEY (trigger_id, fire_at)
      );
    `,
  },
];

/** An arbitrary constant naming r1flow's migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 7_231_001;

export async function migratePostgres(
  db: PostgresDatabase,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
  await db.transaction(async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await sql.run(
      'CREATE TABLE IF NOT EXISTS r1flow_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await sql.rows('SELECT name FROM r1flow_migrations')).map((row) => row.name as string),
    );
    const known = new Set(migrations.map((migration) => migration.name));
    const unknown = [...applied].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new R1flowError(
        'STORE_TOO_NEW',
        `this PostgreSQL store was migrated by a newer r1flow (steps ${unknown.join(', ')} are unknown here); upgrade r1flow to open it`,
      );
    }
    for (const migration of migrations) {
      if (!applied.has(migration.name)) await apply(sql, migration);
    }
  });
}

async function apply(sql: Sql, migration: PostgresMigration): Promise<void> {
  await sql.run(migration.sql);
  await sql.run('INSERT INTO r1flow_migrations (name, applied_at) VALUES ($1, $2)', [
    migration.name,
    Date.now(),
  ]);
}
