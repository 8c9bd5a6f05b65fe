// Schema migrations, in code and in order. A store records the version it reached in `meta`;
// opening a store from a newer r1flow is refused rather than guessed at.
import type { Database } from 'better-sqlite3';

export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        latest_version INTEGER NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        -- Deleted flows keep their versions (runs pinned to them stay inspectable) and their
        -- version numbers (a re-created flow continues counting, so no version number means two things).
        deleted_at INTEGER
      );
      CREATE TABLE flow_versions (
        flow_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (flow_id, version)
      ) WITHOUT ROWID;
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
        lease_until INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX runs_by_flow ON runs (flow_id, created_at);
      CREATE INDEX runs_active ON runs (status) WHERE status IN ('queued', 'running');
      CREATE UNIQUE INDEX runs_idempotency ON runs (flow_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE node_runs (
        run_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        node_key TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        input TEXT,
        output TEXT,
        error TEXT,
        retry_at INTEGER,
        queued_at INTEGER,
        started_at INTEGER,
        finished_at INTEGER,
        duration_ms REAL,
        reused INTEGER NOT NULL DEFAULT 0,
        -- The node's place in the flow's topological order, so listings read top to bottom.
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, node_id)
      ) WITHOUT ROWID;
      CREATE TABLE node_attempts (
        run_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        started_at INTEGER,
        finished_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, node_id, attempt)
      ) WITHOUT ROWID;
      CREATE TABLE run_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        type TEXT NOT NULL,
        node_id TEXT,
        data TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX run_events_by_run ON run_events (run_id, seq);
    `),
  // Tables of the API key and trigger repositories: keys hashed, webhook secrets sealed, tokens
  // hashed. Warehouse-sync watermarks live in the warehouse itself, committed with the data.
  (db) =>
    db.exec(`
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
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
        last_fire_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (flow_id, node_id)
      );
      CREATE UNIQUE INDEX triggers_by_path ON triggers (path) WHERE path IS NOT NULL;
    `),
  (db) =>
    db.exec(`
      CREATE TABLE webhook_replays (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX webhook_replays_expiry ON webhook_replays (expires_at);
    `),
  // runs may be turns of a thread (follow-up questions), listed by thread.
  (db) =>
    db.exec(`
      ALTER TABLE runs ADD COLUMN thread_id TEXT;
      CREATE INDEX runs_by_thread ON runs (thread_id, created_at) WHERE thread_id IS NOT NULL;
    `),
  // named connections, URLs sealed by the server, a display form without the password.
  (db) =>
    db.exec(`
      CREATE TABLE connections (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        url_sealed TEXT NOT NULL,
        display TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_test_at INTEGER,
        last_test_ok INTEGER,
        last_test_message TEXT
      );
    `),
  // ratings of run answers with their review, and the verified examples accepted ones become.
  (db) =>
    db.exec(`
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
        created_at INTEGER NOT NULL,
        reviewed_at INTEGER,
        example_id TEXT
      );
      CREATE INDEX feedback_by_state ON feedback (state, created_at);
      CREATE INDEX feedback_by_run ON feedback (run_id);
      CREATE TABLE examples (
        id TEXT PRIMARY KEY,
        warehouse TEXT NOT NULL,
        question TEXT NOT NULL,
        sql TEXT NOT NULL,
        feedback_id TEXT,
        created_at INTEGER NOT NULL,
        verified_at INTEGER NOT NULL
      );
      CREATE INDEX examples_by_warehouse ON examples (warehouse, created_at);
    `),
  // cost-pins: what each attempt, node run and run cost (JSON of NodeCost), and which node runs
  // took a pinned output.
  (db) =>
    db.exec(`
      ALTER TABLE runs ADD COLUMN cost TEXT;
      ALTER TABLE node_runs ADD COLUMN cost TEXT;
      ALTER TABLE node_runs ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE node_attempts ADD COLUMN cost TEXT;
    `),
  // cost-pins: node outputs pinned per flow and node, copied from a past run.
  (db) =>
    db.exec(`
      CREATE TABLE flow_pins (
        flow_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        node_key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        output TEXT NOT NULL,
        pinned_at INTEGER NOT NULL,
        PRIMARY KEY (flow_id, node_id)
      ) WITHOUT ROWID;
    `),
  // publish: one mutable draft per flow; versions record their publication, flows the version
  // their triggers run. Before drafts every save published, so existing versions count as published.
  (db) =>
    db.exec(`
      ALTER TABLE flows ADD COLUMN published_version INTEGER;
      UPDATE flows SET published_version = latest_version WHERE deleted_at IS NULL;
      ALTER TABLE flow_versions ADD COLUMN published_at INTEGER;
      ALTER TABLE flow_versions ADD COLUMN published_by TEXT;
      ALTER TABLE flow_versions ADD COLUMN publish_note TEXT;
      UPDATE flow_versions SET published_at = created_at;
      CREATE TABLE flow_drafts (
        flow_id TEXT PRIMARY KEY,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      ) WITHOUT ROWID;
    `),
  // teams: who started each run and the caller's access; users with a role per project, keys owned by a user.
  (db) =>
    db.exec(`
      ALTER TABLE runs ADD COLUMN started_by TEXT;
      ALTER TABLE runs ADD COLUMN access TEXT;
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT,
        disabled_at INTEGER,
        access TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE user_roles (
        user_id TEXT NOT NULL,
        project TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'runner', 'viewer')),
        PRIMARY KEY (user_id, project)
      ) WITHOUT ROWID;
      ALTER TABLE api_keys ADD COLUMN user_id TEXT;
      CREATE INDEX runs_by_starter ON runs (json_extract(started_by, '$.userId'), created_at);
    `),
  // audit: the append-only audit log. Triggers refuse any UPDATE, and any DELETE except of
  // entries older than the retention cut-off that `prune` opens inside its own transaction.
  (db) =>
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
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
        duration_ms REAL,
        row_count INTEGER,
        detail TEXT
      );
      CREATE INDEX audit_by_at ON audit_log (at);
      CREATE INDEX audit_by_run ON audit_log (run_id, seq) WHERE run_id IS NOT NULL;
      CREATE INDEX audit_by_actor ON audit_log (actor_id, seq) WHERE actor_id IS NOT NULL;
      CREATE INDEX audit_by_kind ON audit_log (kind, seq);
      CREATE TABLE audit_prune_window (id INTEGER PRIMARY KEY CHECK (id = 1), cutoff INTEGER NOT NULL);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      WHEN NOT EXISTS (SELECT 1 FROM audit_prune_window WHERE old.at < cutoff)
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: entries leave only through retention pruning');
      END;
    `),
  // teams-rest: flows and their runs belong to a project (a run keeps its flow's project from its
  // start); a role in a project may carry table limits per connection, as a user may.
  (db) =>
    db.exec(`
      ALTER TABLE flows ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE runs ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX runs_by_project ON runs (project, created_at);
      ALTER TABLE user_roles ADD COLUMN access TEXT;
    `),
  // retention: finished runs are pruned oldest first per status, without scanning every run.
  (db) => db.exec('CREATE INDEX runs_by_finish ON runs (status, finished_at)'),
  // schedules-once: one row per schedule tick, started or missed. The primary key on (trigger, tick)
  // is what lets any number of servers fire a tick and start one run for it.
  (db) =>
    db.exec(`
      CREATE TABLE schedule_fires (
        trigger_id TEXT NOT NULL,
        fire_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('started', 'missed')),
        run_id TEXT,
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (trigger_id, fire_at)
      ) WITHOUT ROWID;
    `),
];

export const SCHEMA_VERSION = MIGRATIONS.length;
