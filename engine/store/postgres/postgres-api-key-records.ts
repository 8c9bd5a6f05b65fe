// The api_keys table of a PostgreSQL store.
import type { ApiKeyRecords, StoredApiKey } from '../api-key-records.ts';
import { apiKeyFromRow } from '../repository-row-mappers.ts';
import type { Sql } from './postgres-database.ts';

export class PostgresApiKeyRecords implements ApiKeyRecords {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async insert(
    key: Omit<StoredApiKey, 'lastUsedAt' | 'revokedAt' | 'userId'> & { userId?: string | null },
  ): Promise<void> {
    await this.#sql.run(
      'INSERT INTO api_keys (id, name, prefix, hash, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [key.id, key.name, key.prefix, key.hash, key.userId ?? null, key.createdAt],
    );
  }

  async list(): Promise<StoredApiKey[]> {
    return (await this.#sql.rows('SELECT * FROM api_keys ORDER BY created_at, row_order')).map(apiKeyFromRow);
  }

  async hasActive(): Promise<boolean> {
    return (await this.#sql.row('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1')) !== undefined;
  }

  async recordUse(
    hash: string,
    at: number,
  ): Promise<{ id: string; name: string; userId: string | null } | null> {
    const row = await this.#sql.row(
      'UPDATE api_keys SET last_used_at = $1 WHERE hash = $2 AND revoked_at IS NULL RETURNING id, name, user_id',
      [at, hash],
    );
    return row
      ? { id: row.id as string, name: row.name as string, userId: (row.user_id as string | null) ?? null }
      : null;
  }

  async isActive(id: string): Promise<boolean> {
    return (
      (await this.#sql.row('SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [id])) !== undefined
    );
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (
      (await this.#sql.run('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
        at,
        id,
      ])) > 0
    );
  }
}
