// API keys: shown once at creation, stored as SHA-256 hashes (a key is 144 random bits, so a
// slow hash adds nothing), listed by a short prefix, revocable.
import { createHash, randomBytes } from 'node:crypto';
import { R1flowError } from '../../engine/errors.ts';
import { newId } from '../../engine/ids.ts';
import type { ApiKeyRecords } from '../../engine/store/api-key-records.ts';

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  /** The user the key acts as; null for keys made before users (they act as an admin). */
  userId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export class ApiKeys {
  readonly #records: ApiKeyRecords;

  constructor(records: ApiKeyRecords) {
    this.#records = records;
  }

  async create(name: string, userId: string | null = null): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = `r1f_${randomBytes(18).toString('base64url')}`;
    const info: ApiKeyInfo = {
      id: newId('key_', 6),
      name,
      prefix: key.slice(0, 10),
      userId,
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.#records.insert({ ...info, hash: hashKey(key) });
    return { key, info };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.#records.list()).map(({ hash: _hash, ...info }) => info);
  }

  /** The key's name, for the audit log; null when there is no such key. */
  async nameOf(id: string): Promise<string | null> {
    return (await this.#records.list()).find((key) => key.id === id)?.name ?? null;
  }

  async hasActiveKeys(): Promise<boolean> {
    return this.#records.hasActive();
  }

  /** The key's id, name and user when it is valid and not revoked. */
  async verify(key: string): Promise<{ id: string; name: string; userId: string | null } | null> {
    return this.#records.recordUse(hashKey(key), Date.now());
  }

  /** The key with this id when it is not revoked. */
  async active(id: string): Promise<ApiKeyInfo | null> {
    return (await this.list()).find((key) => key.id === id && key.revokedAt === null) ?? null;
  }

  async isActive(id: string): Promise<boolean> {
    return this.#records.isActive(id);
  }

  async revoke(idOrPrefix: string): Promise<ApiKeyInfo> {
    const match = (await this.list()).filter((k) => k.id === idOrPrefix || k.prefix === idOrPrefix);
    if (match.length !== 1) {
      throw new R1flowError(
        'NOT_FOUND',
        `no single API key matches "${idOrPrefix}" (use the id from "r1flow keys list")`,
      );
    }
    const at = Date.now();
    await this.#records.revoke(match[0]!.id, at);
    return { ...match[0]!, revokedAt: match[0]!.revokedAt ?? at };
  }
}
