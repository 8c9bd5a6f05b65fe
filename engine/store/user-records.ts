// The users and user_roles tables as plain records. Passwords are never stored: the server
// hashes them (scrypt) and the store keeps the hash.
import type { RunAccess } from '../actor.ts';

export const ROLES = ['admin', 'editor', 'runner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface StoredUser {
  id: string;
  name: string;
  /** `scrypt$N$r$p$salt$hash`; null for a user who signs in with API keys only. */
  passwordHash: string | null;
  disabledAt: number | null;
  /** Table limits and database roles per connection, applied to the runs the user starts. */
  access: RunAccess | null;
  /** The user's role in each project they belong to. */
  roles: Record<string, Role>;
  /** Table limits of the user's role in a project, on top of their own (projects without any absent). */
  roleAccess: Record<string, RunAccess>;
  createdAt: number;
}

export type UserChange =
  | { kind: 'role'; project: string; role: Role | null }
  | { kind: 'disabled'; at: number | null }
  | { kind: 'password'; hash: string | null }
  | { kind: 'access'; access: RunAccess | null }
  /** The limits of the user's role in `project`; ignored (false) without a role there. */
  | { kind: 'roleAccess'; project: string; access: RunAccess | null };

export interface UserRecords {
  /** Refuses (throws) a name taken by another user, case-insensitively. */
  insert(user: Omit<StoredUser, 'disabledAt' | 'access' | 'roleAccess'>): Promise<void>;
  byId(id: string): Promise<StoredUser | null>;
  /** Case-insensitive. */
  byName(name: string): Promise<StoredUser | null>;
  /** Oldest first. */
  list(): Promise<StoredUser[]>;
  count(): Promise<number>;
  /** False when there is no such user (or, for roleAccess, no role of theirs in that project). */
  update(id: string, change: UserChange): Promise<boolean>;
  /** Removes the user, their roles and their API keys; false when there is no such user. */
  remove(id: string): Promise<boolean>;
}
