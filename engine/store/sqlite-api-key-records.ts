// The api_keys table of a SQLite store. Every authenticated request verifies a key, so the
// statements are prepared once (statement cache).
import type { Statement } from 'better-sqlite3';
import type { ApiKeyRecords, StoredApiKey } from './api-key-records.ts';
import { apiKeyFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

export class SqliteApiKeyRecords implements ApiKeyRecords {
  readonly #sql: (text: string) => Statement;

  constructor(sql: (text: string) => Statement) {
    this.#sql = sql;
  }

  async insert(
    key: Omit<StoredApiKey, 'lastUsedAt' | 'revokedAt' | 'userId'> & { userId?: string | null },
  ): Promise<void> {
    this.#sql(
      'INSERT INTO api_keys (id, name, prefix, hash, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(key.id, key.name, key.prefix, key.hash, key.userId ?? null, key.createdAt);
  }

  async list(): Promise<StoredApiKey[]> {
    return (this.#sql('SELECT * FROM api_keys ORDER BY created_at, rowid').all() as Row[]).map(apiKeyFromRow);
  }

  async hasActive(): Promise<boolean> {
    return this.#sql('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }

  async recordUse(
    hash: string,
    at: number,
  ): Promise<{ id: string; name: string; userId: string | null } | null> {
    const row = this.#sql(
      'UPDATE api_keys SET last_used_at = ? WHERE hash = ? AND revoked_at IS NULL RETURNING id, name, user_id',
    ).get(at, hash) as { id: string; name: string; user_id: string | null } | undefined;
    return row ? { id: row.id, name: row.name, userId: row.user_id ?? null } : null;
  }

  async isActive(id: string): Promise<boolean> {
    return this.#sql('SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (
      this.#sql('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id)
        .changes > 0
    );
  }
}
