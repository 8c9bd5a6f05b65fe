// The triggers table as plain records: one row per webhook or schedule node of a flow's published
// version. The server owns their meaning (parsing configs, sealing secrets, hashing tokens); the
// store keeps the rows, with the webhook secret still sealed and the token only as its hash.

export type TriggerNodeKind = 'webhook' | 'schedule';

export interface StoredTrigger {
  id: string;
  flowId: string;
  flowVersion: number;
  nodeId: string;
  kind: TriggerNodeKind;
  /** The webhook's path under /hooks (unique across flows); null for schedules. */
  path: string | null;
  /** The trigger node's params as saved (JSON). */
  config: Record<string, unknown>;
  /** The HMAC secret, sealed by the server; null when none was issued or the webhook uses tokens. */
  secretSealed: string | null;
  /** SHA-256 hex of the bearer token; null when none was issued or the webhook uses HMAC. */
  tokenHash: string | null;
  enabled: boolean;
  lastFireAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A trigger node of a flow version, as `syncFlow` wants it. */
export interface TriggerDraft {
  nodeId: string;
  kind: TriggerNodeKind;
  path: string | null;
  config: Record<string, unknown>;
}

/** A webhook credential; storing one clears the other kind, so only one ever works. */
export type TriggerCredential = { secretSealed: string } | { tokenHash: string };

export interface TriggerFilter {
  flowId?: string;
  kind?: TriggerNodeKind;
}

export interface TriggerRecords {
  /** Oldest first. */
  list(filter?: TriggerFilter): Promise<StoredTrigger[]>;
  get(id: string): Promise<StoredTrigger | null>;
  byPath(path: string): Promise<StoredTrigger | null>;
  /**
   * Makes the flow's rows match `drafts` (matched by node id) in one transaction: new nodes get
   * new rows, known ones take the new version/config and keep id, enabled flag, credential and
   * last fire; rows of nodes no longer in the flow are deleted. `credentialFor` is asked, inside
   * the transaction, for each draft with the row it replaces (null for a new one); a credential it
   * returns is stored with the row. Returns the flow's rows afterwards.
   */
  syncFlow(
    flowId: string,
    flowVersion: number,
    drafts: readonly TriggerDraft[],
    credentialFor: (draft: TriggerDraft, previous: StoredTrigger | null) => TriggerCredential | null,
  ): Promise<StoredTrigger[]>;
  /** False when there is no such trigger. */
  setCredential(id: string, credential: TriggerCredential): Promise<boolean>;
  /** False when there is no such trigger. */
  setEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Remembers the schedule tick (or webhook call) that fired last, for missed-tick catch-up. */
  recordFire(id: string, at: number): Promise<void>;
  /** Deletes the flow's triggers; returns how many there were. */
  removeFlow(flowId: string): Promise<number>;
}
