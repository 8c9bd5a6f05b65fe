// The webhook_replays table of a SQLite store: one row per accepted signature until it expires.
import type { Statement } from 'better-sqlite3';
import type { ReplayRecords } from './replay-records.ts';

export class SqliteReplayRecords implements ReplayRecords {
  readonly #sql: (text: string) => Statement;

  constructor(sql: (text: string) => Statement) {
    this.#sql = sql;
  }

  async firstSeen(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    this.#sql('DELETE FROM webhook_replays WHERE expires_at <= ?').run(now);
    // An expired row counts as unseen: the upsert only overwrites it then.
    const claimed = this.#sql(
      `INSERT INTO webhook_replays (key, expires_at) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE webhook_replays.expires_at <= ?`,
    ).run(key, now + ttlMs, now);
    return claimed.changes === 1;
  }
}
