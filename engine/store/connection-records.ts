// The connections table as plain records: one row per named connection. The server owns their
// meaning (validating URLs, sealing them, testing them); the store keeps the sealed URL and a
// display form without the password, and never sees the key that opens the seal.
import type { ConnectionKind } from '../connections.ts';

export interface ConnectionTestResult {
  at: number;
  ok: boolean;
  /** What the test found (e.g. `connected`, or the error naming the connection; never its URL). */
  message: string;
}

export interface StoredConnection {
  /** Unique, a plain identifier (the server checks it). */
  name: string;
  kind: ConnectionKind;
  /** The full URL sealed by the server. */
  urlSealed: string;
  /** The address without its password or query, for listings. */
  display: string;
  createdAt: number;
  updatedAt: number;
  /** The latest `connections test`; null until one ran. */
  lastTest: ConnectionTestResult | null;
}

export interface ConnectionDraft {
  name: string;
  kind: ConnectionKind;
  urlSealed: string;
  display: string;
}

export interface ConnectionRecords {
  /**
   * Stores a new connection, or with `replace` replaces the one of that name (keeping its creation
   * time, clearing its last test). Returns false when the name is taken and `replace` is not set.
   */
  put(draft: ConnectionDraft, at: number, options?: { replace?: boolean }): Promise<boolean>;
  get(name: string): Promise<StoredConnection | null>;
  /** In name order. */
  list(): Promise<StoredConnection[]>;
  /** False when there is no such connection. */
  remove(name: string): Promise<boolean>;
  /** False when there is no such connection. */
  recordTest(name: string, result: ConnectionTestResult): Promise<boolean>;
}
