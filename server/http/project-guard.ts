// The per-project half of a permission check. The auth hook lets a project permission through
// when the caller holds it in some project; a route that serves one flow or run then checks the
// caller's role in THAT flow's (or run's) project. Without a role there the flow or run answers as
// missing, naming nothing more; with a role that lacks the permission, 403 (and an audit entry).
import type { FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import type { FlowSummary } from '../../engine/store/records.ts';
import { describePermission, type Permission, type Scope } from '../auth/permissions.ts';
import { roleIn, scopeIn } from '../auth/project-access.ts';
import type { Principal } from '../auth/users.ts';
import { auditRefusal, LOOPBACK_OPERATOR } from './auth-hook.ts';
import type { ServerContext } from './server-context.ts';

export function callerOf(request: FastifyRequest): Principal {
  return request.principal ?? LOOPBACK_OPERATOR;
}

/** The permission the matched route needs (its entry in the route permission table). */
function routePermission(request: FastifyRequest): Permission {
  const rule = request.routeOptions.config?.rule;
  if (rule === undefined || rule === 'public' || rule === 'webhook') {
    throw new R1flowError('PERMISSION_DENIED', 'this route checks no project permission');
  }
  return rule;
}

/**
 * How far the caller holds `permission` (the route's by default) in `project`. `missing` is the
 * error for a caller without a role there: the thing answers as if it did not exist.
 */
export async function checkProject(
  context: ServerContext,
  request: FastifyRequest,
  project: string,
  missing: () => R1flowError,
  permission: Permission = routePermission(request),
): Promise<Scope> {
  const caller = callerOf(request);
  const role = roleIn(caller, project);
  if (role === null) throw missing();
  const scope = scopeIn(caller, project, permission);
  if (scope !== null) return scope;
  const error = new R1flowError(
    'PERMISSION_DENIED',
    `${caller.actor.name} (${role} in project "${project}") may not ${describePermission(permission)} there`,
    { data: { permission, role, project } },
  );
  await auditRefusal(context, request, caller, error);
  throw error;
}

/**
 * The flow when the caller holds the route's permission in its project; null when there is no
 * such flow; FLOW_NOT_FOUND when it is in a project where the caller has no role.
 */
export async function flowInProject(
  context: ServerContext,
  request: FastifyRequest,
  flowId: string,
  permission?: Permission,
): Promise<FlowSummary | null> {
  const flow = await context.runtime.store.getFlow(flowId);
  if (flow) await checkProject(context, request, flow.project, () => noFlow(flowId), permission);
  return flow;
}

/** As flowInProject, FLOW_NOT_FOUND for a flow that does not exist. */
export async function existingFlow(
  context: ServerContext,
  request: FastifyRequest,
  flowId: string,
  permission?: Permission,
): Promise<FlowSummary> {
  const flow = await flowInProject(context, request, flowId, permission);
  if (!flow) throw noFlow(flowId);
  return flow;
}

export function noFlow(flowId: string): R1flowError {
  return new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}"`);
}

/** For a caller moving or creating a flow in a project where they have no role. */
export function noRoleIn(request: FastifyRequest, project: string): R1flowError {
  return new R1flowError(
    'PERMISSION_DENIED',
    `${callerOf(request).actor.name} has no role in project "${project}"`,
    { data: { project } },
  );
}
