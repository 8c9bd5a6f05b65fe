// Who started a run, and what their role lets the run's nodes read. Both are decided by the host
// when the run starts and stored with it, so a run taken over after a restart, or a node job run
// by a queue worker in another process, keeps the caller's limits without asking the host again.
import { z } from 'zod';

export type ActorKind = 'user' | 'api-key' | 'webhook' | 'schedule' | 'editor' | 'system';

export interface Actor {
  kind: ActorKind;
  /** The user, key or trigger id; null where there is none (the CLI, loopback without users). */
  id: string | null;
  /** What a listing shows: the user's name (for a key too), the hook path, `cli`. */
  name: string;
  /** The user behind a session or API key, so a user's runs are found whichever way they asked. */
  userId?: string;
}

/** A PostgreSQL role name as `SET LOCAL ROLE` takes it quoted; no quotes or control characters. */
const DB_ROLE = /^[A-Za-z_][A-Za-z0-9_$ -]{0,62}$/;

/** What a caller may read through one named connection, on top of what the flow's nodes allow. */
export const ConnectionAccessSchema = z
  .object({
    /** Only these tables may be read; absent: no limit of the caller's own. */
    allowedTables: z.array(z.string().min(1).max(200)).max(1000).optional(),
    /** PostgreSQL: each candidate runs under `SET LOCAL ROLE` to this role, so its row-level security applies. */
    dbRole: z.string().regex(DB_ROLE, 'not a database role name').optional(),
  })
  .strict();
export type ConnectionAccess = z.infer<typeof ConnectionAccessSchema>;

/**
 * The caller's limits per connection name. `default` applies to connections not named and to
 * warehouses given as files; null (or an absent run access) means no limits of the caller's own.
 */
export const RunAccessSchema = z
  .object({
    // Optional, so a limit for every warehouse is just `{"default": {...}}`.
    connections: z.record(z.string(), ConnectionAccessSchema).default({}),
    default: ConnectionAccessSchema.optional(),
  })
  .strict();
export type RunAccess = z.infer<typeof RunAccessSchema>;

/** The caller's limits for one warehouse (`connection` undefined for a file warehouse). */
export function accessFor(
  access: RunAccess | null | undefined,
  connection: string | undefined,
): ConnectionAccess {
  if (!access) return {};
  return (connection === undefined ? undefined : access.connections[connection]) ?? access.default ?? {};
}

/**
 * The limits of two sources at once (a user's and their role's in a project): per connection,
 * only tables both allow; a database role from the first when it names one. Null when neither
 * limits anything.
 */
export function combineAccess(
  first: RunAccess | null | undefined,
  second: RunAccess | null | undefined,
): RunAccess | null {
  if (!first || !second) return first ?? second ?? null;
  const both = (a: ConnectionAccess, b: ConnectionAccess): ConnectionAccess => {
    const allowedTables = narrowTables(a.allowedTables, b.allowedTables);
    const dbRole = a.dbRole ?? b.dbRole;
    return {
      ...(allowedTables === undefined ? {} : { allowedTables }),
      ...(dbRole === undefined ? {} : { dbRole }),
    };
  };
  // A connection neither names falls back to both defaults, so naming every one either names is enough.
  const names = new Set([...Object.keys(first.connections), ...Object.keys(second.connections)]);
  const connections = Object.fromEntries(
    [...names].map((name) => [name, both(accessFor(first, name), accessFor(second, name))]),
  );
  const fallback = both(first.default ?? {}, second.default ?? {});
  return { connections, ...(Object.keys(fallback).length > 0 ? { default: fallback } : {}) };
}

/**
 * Tables both lists allow: the node's own list narrowed by the caller's. Undefined when neither
 * limits; a caller's list alone applies as it is. Names compare case-insensitively, as both
 * executors do.
 */
export function narrowTables(
  own: readonly string[] | undefined,
  caller: readonly string[] | undefined,
): string[] | undefined {
  if (caller === undefined) return own === undefined ? undefined : [...own];
  if (own === undefined) return [...caller];
  const allowed = new Set(caller.map((table) => table.toLowerCase()));
  return own.filter((table) => allowed.has(table.toLowerCase()));
}
