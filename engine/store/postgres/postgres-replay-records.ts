// The webhook_replays table of a PostgreSQL store: one row per accepted signature until it expires.
// Servers sharing the database share it, so a request replayed to another server is refused too.
import type { ReplayRecords } from '../replay-records.ts';
import type { Sql } from './postgres-database.ts';

export class PostgresReplayRecords implements ReplayRecords {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async firstSeen(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    await this.#sql.run('DELETE FROM webhook_replays WHERE expires_at <= $1', [now]);
    // An expired row counts as unseen: the upsert only overwrites it then.
    const claimed = await this.#sql.run(
      `INSERT INTO webhook_replays (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE webhook_replays.expires_at <= $3`,
      [key, now + ttlMs, now],
    );
    return claimed === 1;
  }
}
