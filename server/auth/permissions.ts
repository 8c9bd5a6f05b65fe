// What each role may do. A route names one permission (route-permissions.ts); a role grants it for
// everything, for the caller's own things only (a runner's own runs), or not at all.
import { DEFAULT_PROJECT } from '../../engine/projects.ts';
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

/**
 * Permissions held per project: on the flows and runs of the projects where the user has a role.
 * The others are about the server (connections, users, the audit log, metrics).
 */
export const PROJECT_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'flows.read',
  'flows.write',
  'runs.start',
  'runs.read',
  'feedback.write',
  'feedback.review',
]);

/** Strongest first, for what is not in a project: a viewer reads metrics, a runner does not. */
const SERVER_RANK: readonly Role[] = ['admin', 'editor', 'viewer', 'runner'];

/**
 * The role a user holds on the server itself: admin of project `default` makes a server admin
 * (every project, users, the audit log); otherwise the strongest of their project roles, an admin
 * of another project counting as an editor there. Null for a user with no role at all.
 */
export function serverRole(roles: Readonly<Record<string, Role>>): Role | null {
  const held = Object.entries(roles).map(([project, role]) =>
    role === 'admin' && project !== DEFAULT_PROJECT ? 'editor' : role,
  );
  return SERVER_RANK.find((role) => held.includes(role)) ?? null;
}

/** The wider of two scopes. */
export function widerScope(a: Scope | null, b: Scope | null): Scope | null {
  return a === 'all' || b === 'all' ? 'all' : (a ?? b);
}

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
