// What a principal may do in one project: a server admin (admin of `default`, the loopback
// operator, a key made before users) holds admin in every project; anyone else their role there.

import type { Role } from '../../engine/store/user-records.ts';
import { type Permission, PROJECT_PERMISSIONS, type Scope, scopeOf, widerScope } from './permissions.ts';
import type { Principal } from './users.ts';

export function isServerAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

/** The principal's role in `project`; null when they have none there. */
export function roleIn(principal: Principal, project: string): Role | null {
  return isServerAdmin(principal) ? 'admin' : (principal.projects[project] ?? null);
}

/** How far the principal holds `permission` in `project`. */
export function scopeIn(principal: Principal, project: string, permission: Permission): Scope | null {
  const role = roleIn(principal, project);
  return role === null ? null : scopeOf(role, permission);
}

/**
 * How far the principal holds `permission` at all: a project permission in the project where it
 * reaches furthest (each flow or run is then checked against its own project), another through
 * their server role.
 */
export function scopeAnywhere(principal: Principal, permission: Permission): Scope | null {
  if (isServerAdmin(principal) || !PROJECT_PERMISSIONS.has(permission)) {
    return scopeOf(principal.role, permission);
  }
  return Object.values(principal.projects).reduce<Scope | null>(
    (widest, role) => widerScope(widest, scopeOf(role, permission)),
    null,
  );
}

/**
 * The projects where the principal holds `permission`, split by scope; null when it holds it in
 * every project (a server admin).
 */
export function projectsWith(
  principal: Principal,
  permission: Permission,
): { all: string[]; own: string[] } | null {
  if (isServerAdmin(principal)) return null;
  const all: string[] = [];
  const own: string[] = [];
  for (const [project, role] of Object.entries(principal.projects)) {
    const scope = scopeOf(role, permission);
    if (scope === 'all') all.push(project);
    else if (scope === 'own') own.push(project);
  }
  return { all, own };
}
