// Remembers accepted webhook signatures for as long as their timestamp is inside the replay window,
// so the same signed request sent again is refused (409) instead of starting another run. Inline
// mode keeps them in the store (its own table, migrated here); queue mode in Redis (SET NX PX), so
// every API process behind one Redis sees the same set.
import type { Database } from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Logger } from '../../engine/define-node.ts';
import { closeRedis, openRedis, unreachable, withDeadline } from '../../workers/redis-connection.ts';

export interface ReplayGuard {
  /** True the first time `key` is offered within `ttlMs`; false for a repeat. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
  close?(): Promise<void>;
}

/** Versioned steps for this module's table, tracked in the store's meta table. */
const MIGRATIONS: ((db: Database) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE webhook_replays (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX webhook_replays_expiry ON webhook_replays (expires_at);
    `),
];
const META_KEY = 'webhook_replays_schema';

export function migrateReplayTable(db: Database): void {
  const step = db.transaction(() => {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as
      | { value: string }
      | undefined;
    const current = Number(row?.value ?? 0);
    for (let index = current; index < MIGRATIONS.length; index++) MIGRATIONS[index]!(db);
    db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(META_KEY, String(MIGRATIONS.length));
  });
  step.immediate();
}

export class SqliteReplayGuard implements ReplayGuard {
  readonly #claim;
  readonly #prune;

  constructor(db: Database) {
    migrateReplayTable(db);
    // An expired row counts as unseen: the upsert only overwrites it then.
    this.#claim = db.prepare(
      `INSERT INTO webhook_replays (key, expires_at) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE webhook_replays.expires_at <= ?`,
    );
    this.#prune = db.prepare('DELETE FROM webhook_replays WHERE expires_at <= ?');
  }

  async firstSeen(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    this.#prune.run(now);
    return this.#claim.run(key, now + ttlMs, now).changes === 1;
  }
}

const REDIS_TIMEOUT_MS = 2000;

export class RedisReplayGuard implements ReplayGuard {
  readonly #redis: Redis;
  readonly #redisUrl: string;
  readonly #prefix: string;

  /** A guard on its own connection, closed with the server. */
  constructor(redisUrl: string, logger: Logger, prefix = 'r1flow') {
    this.#redisUrl = redisUrl;
    this.#redis = openRedis(redisUrl, 'webhook-replays', logger);
    this.#prefix = `${prefix}:webhook-seen:`;
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    // Without an answer the call cannot be judged fresh: 503, the sender retries later.
    const set = await withDeadline(
      this.#redis.set(`${this.#prefix}${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
      REDIS_TIMEOUT_MS,
      () =>
        unreachable(
          this.#redisUrl,
          `could not check a webhook signature for replay within ${REDIS_TIMEOUT_MS} ms`,
        ),
    );
    return set === 'OK';
  }
}
