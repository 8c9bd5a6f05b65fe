// The api_keys table as plain records. Keys themselves are never stored: the server hashes them
// and the store keeps the hash, a short prefix for listings, and the use/revocation times.

export interface StoredApiKey {
  id: string;
  name: string;
  prefix: string;
  /** SHA-256 hex of the key; unique. */
  hash: string;
  /** The user the key acts as; null for keys made before users (they act as an admin). */
  userId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiKeyRecords {
  insert(
    key: Omit<StoredApiKey, 'lastUsedAt' | 'revokedAt' | 'userId'> & { userId?: string | null },
  ): Promise<void>;
  /** Oldest first, revoked ones included. */
  list(): Promise<StoredApiKey[]>;
  hasActive(): Promise<boolean>;
  /** The unrevoked key with this hash (its id and user), stamping its last use with `at`; null if none. */
  recordUse(hash: string, at: number): Promise<{ id: string; name: string; userId: string | null } | null>;
  isActive(id: string): Promise<boolean>;
  /** False when there is no such key or it was already revoked (the first revocation time stays). */
  revoke(id: string, at: number): Promise<boolean>;
}
