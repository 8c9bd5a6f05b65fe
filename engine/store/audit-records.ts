// The audit log as plain records: append-only. Each entry says who did what, when, with what
// outcome: every SQL statement a node sent to a warehouse, and every change to flows, keys,
// connections and triggers. Entries never carry a secret or a URL; the store refuses to change or
// delete one except through `prune` (retention), and its SQLite triggers refuse it for anyone else.
import type { Actor } from '../actor.ts';

/**
 * Who acted: an API key (or the editor session made from one), a user, the CLI, a webhook or a
 * schedule. Its shape matches the run's `startedBy` actor, so both can be joined by `runId`.
 */
export interface AuditActor {
  kind: string;
  id: string;
  name: string;
}

/** An actor as the audit log names it: by the user behind it when there is one, so a user's entries are found whichever way they asked. */
export function auditActorOf(actor: Actor): AuditActor {
  return { kind: actor.kind, id: actor.userId ?? actor.id ?? actor.name, name: actor.name };
}

/** What happened; `sql` entries come from nodes, the others from the server's routes and the CLI. */
export const AUDIT_KINDS = [
  'sql',
  'flow.draft',
  'flow.publish',
  'flow.delete',
  'flow.enable',
  'flow.disable',
  'trigger.enable',
  'trigger.disable',
  'trigger.rotate-secret',
  'key.create',
  'key.revoke',
  'user.add',
  'user.update',
  'user.remove',
  'connection.add',
  'connection.remove',
  'connection.test',
  'access.denied',
  'sign-in.failed',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** `refused`: a write or a forbidden table (stopped by r1flow's checks or the read-only transaction), or a caller not allowed. */
export const AUDIT_OUTCOMES = ['ok', 'error', 'refused', 'cancelled'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a SQL entry adds: where the statement ran and what it answered. */
export interface AuditSqlFacts {
  /** The node attempt that ran it (1 for the first try). */
  attempt: number;
  /** Indexes of the candidates with this SQL text (run once, shared by all of them). */
  candidates: number[];
  /** `connection:NAME` or the warehouse file's path: never a URL. */
  warehouse: string;
  dialect: string;
  sql: string;
  durationMs: number;
  /** Rows it answered (kept, up to the caps); null when it failed. */
  rows: number | null;
}

export interface AuditDraft {
  at: number;
  kind: AuditKind;
  /** Null when nobody authenticated (the open loopback API) or, for SQL, when the run's starter is joined by `runId`. */
  actor: AuditActor | null;
  outcome: AuditOutcome;
  /** Why it failed or was refused (an error code and message); null when it went through. */
  reason: string | null;
  runId: string | null;
  nodeId: string | null;
  /** What an operation acted on: a flow id, key id, connection name or trigger id; null for SQL. */
  target: string | null;
  sql: AuditSqlFacts | null;
  /** Small facts of the operation (a flow's new version, a connection's kind); never a secret. */
  detail: Record<string, unknown> | null;
}

export interface AuditEntry extends AuditDraft {
  /** Increasing with each append: the order entries were written in. */
  seq: number;
}

/** How many entries `list` answers when not told, and at most. */
export const AUDIT_LIST_DEFAULT = 100;
export const AUDIT_LIST_MAX = 10_000;

export interface AuditFilter {
  kind?: AuditKind;
  /** An actor's id (a key id, a user name). */
  actor?: string;
  runId?: string;
  outcome?: AuditOutcome;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Entries with `seq` below this (paging newest first: the last page's smallest seq). */
  beforeSeq?: number;
  /** Most entries answered; default 100. */
  limit?: number;
}

export interface AuditRecords {
  /** Appends in one transaction; returns the entries with their sequence numbers. */
  append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]>;
  /** Newest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /**
   * Retention, the only way entries leave: deletes those written before `before` in short
   * transactions of `batchSize`, so writers are never held up long. Returns how many went.
   */
  prune(before: number, batchSize?: number): Promise<number>;
}
