// API keys: shown once at creation, stored as SHA-256 hashes (a key is 144 random bits, so a
// slow hash adds nothing), listed by a short prefix, revocable.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import { newId } from '../../engine/ids.ts';

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export class ApiKeys {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  create(name: string): { key: string; info: ApiKeyInfo } {
    const key = `r1f_${randomBytes(18).toString('base64url')}`;
    const info: ApiKeyInfo = {
      id: newId('key_', 6),
      name,
      prefix: key.slice(0, 10),
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    this.#db
      .prepare('INSERT INTO api_keys (id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(info.id, name, info.prefix, hashKey(key), info.createdAt);
    return { key, info };
  }

  list(): ApiKeyInfo[] {
    const rows = this.#db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Record<
      string,
      unknown
    >[];
    return rows.map((row) => ({
      id: row.id as string,
      name: row.name as string,
      prefix: row.prefix as string,
      createdAt: row.created_at as number,
      lastUsedAt: (row.last_used_at as number | null) ?? null,
      revokedAt: (row.revoked_at as number | null) ?? null,
    }));
  }

  hasActiveKeys(): boolean {
    return this.#db.prepare('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }

  /** The key's id when it is valid and not revoked. */
  verify(key: string): string | null {
    const row = this.#db
      .prepare('SELECT id FROM api_keys WHERE hash = ? AND revoked_at IS NULL')
      .get(hashKey(key)) as { id: string } | undefined;
    if (!row) return null;
    this.#db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(Date.now(), row.id);
    return row.id;
  }

  isActive(id: string): boolean {
    return (
      this.#db.prepare('SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined
    );
  }

  revoke(idOrPrefix: string): ApiKeyInfo {
    const match = this.list().filter((k) => k.id === idOrPrefix || k.prefix === idOrPrefix);
    if (match.length !== 1) {
      throw new R1flowError(
        'NOT_FOUND',
        `no single API key matches "${idOrPrefix}" (use the id from "r1flow keys list")`,
      );
    }
    this.#db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), match[0]!.id);
    return { ...match[0]!, revokedAt: Date.now() };
  }
}
