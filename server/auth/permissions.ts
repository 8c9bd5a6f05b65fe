// What each role may do. A route names one permission (route-permissions.ts); a role grants it for
// everything, for the caller's own things only (a runner's own runs), or not at all.
import type { Role } from '../../engine/store/user-records.ts';

export const PERMISSIONS = [
  'flows.read',
  'flows.write',
  'runs.start',
  'runs.read',
  'feedback.write',
  'feedback.review',
  'connections.read',
  'connections.test',
  'connections.write',
  'users.manage',
  'audit.read',
  'system.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `own`: only what the caller started (runs) — routes that serve one run check its starter. */
export type Scope = 'all' | 'own';

const EVERYTHING = Object.fromEntries(PERMISSIONS.map((p) => [p, 'all'])) as Record<Permission, Scope>;

export const ROLE_GRANTS: Record<Role, Partial<Record<Permission, Scope>>> = {
  admin: EVERYTHING,
  // Connections by name only: adding one (its URL) and removing one stay with admins.
  editor: {
    'flows.read': 'all',
    'flows.write': 'all',
    'runs.start': 'all',
    'runs.read': 'all',
    'feedback.write': 'all',
    'feedback.review': 'all',
    'connections.read': 'all',
    'connections.test': 'all',
    'system.read': 'all',
  },
  // Reads flows so the editor can show what to ask; sees and rates only the runs they started.
  runner: { 'flows.read': 'all', 'runs.start': 'all', 'runs.read': 'own', 'feedback.write': 'own' },
  viewer: { 'flows.read': 'all', 'runs.read': 'all', 'system.read': 'all' },
};

/** How far `role` holds `permission`; null when it does not. */
export function scopeOf(role: Role, permission: Permission): Scope | null {
  return ROLE_GRANTS[role][permission] ?? null;
}

const WHAT: Record<Permission, string> = {
  'flows.read': 'read flows',
  'flows.write': 'change flows',
  'runs.start': 'start runs',
  'runs.read': 'read runs',
  'feedback.write': 'rate answers',
  'feedback.review': 'review feedback and examples',
  'connections.read': 'list connections',
  'connections.test': 'test connections',
  'connections.write': 'add or remove connections (their URLs are secrets)',
  'users.manage': 'manage users and API keys',
  'audit.read': 'read the audit log',
  'system.read': 'read metrics',
};

export function describePermission(permission: Permission): string {
  return WHAT[permission];
}
