// The triggers table as plain records: one row per webhook or schedule node of a flow's published
// version. The server owns their meaning (parsing configs, sealing secrets, hashing tokens); the
// store keeps the rows, with the webhook secret still sealed and the token only as its hash.

import { R1flowError } from '../errors.ts';

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

/** What became of one schedule tick: it started a run, or it was missed (policy `skip`, or folded into a catch-up run). */
export type ScheduleFireStatus = 'started' | 'missed';

/** One schedule tick, recorded once per trigger and tick time (the tick, never the moment it ran). */
export interface ScheduleFire {
  triggerId: string;
  fireAt: number;
  status: ScheduleFireStatus;
  /** The run the tick started; null for a missed tick. */
  runId: string | null;
  recordedAt: number;
}

/**
 * How long fire rows are kept: long enough that a tick delivered again (a BullMQ job redelivered
 * after a Redis restart, a server whose timers lag) still finds its row. Claiming a tick prunes
 * the trigger's rows older than this; deleting a trigger deletes its rows.
 */
export const SCHEDULE_FIRE_RETENTION_MS = 7 * 86_400_000;

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
  /**
   * Records a schedule tick that starts no run. True only for the first to record the tick: false
   * when it already has a row (another server started or recorded it). Ticks that start a run are
   * claimed with the run's insert instead (StoreChange `claimFire`), which also sets `lastFireAt`.
   */
  recordMissedFire(triggerId: string, fireAt: number): Promise<boolean>;
  /** The trigger's recorded ticks, newest first. */
  listFires(triggerId: string, options?: { limit?: number }): Promise<ScheduleFire[]>;
  /** Deletes the flow's triggers (and their fire rows); returns how many there were. */
  removeFlow(flowId: string): Promise<number>;
}

/** What a store's commit throws when its `claimFire` tick already has a row; nothing of the commit is written. */
export function scheduleTickTaken(triggerId: string, fireAt: number): R1flowError {
  return new R1flowError(
    'SCHEDULE_TICK_TAKEN',
    `the ${new Date(fireAt).toISOString()} tick of trigger ${triggerId} was already fired`,
    { data: { triggerId, fireAt } },
  );
}
