// Authentication and permission, decided on the route fastify matched (its `config.rule`, set from
// the route permission table when the route was registered), never on the raw request-target: the
// router decodes `%61pi` to `api`, so a prefix test on the URL can be walked around.
//
// A caller presents an API key (`Authorization: Bearer <key>` or `X-API-Key`) or the editor's
// session cookie (signed in with a key, or a user's name and password). A key acts as its user; a
// key made before users acts as an admin. Without credentials, a server on loopback without
// --require-key treats the caller as the local operator (an admin, as before users existed);
// anywhere else the call is refused. Then the caller's role must hold the route's permission.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../engine/actor.ts';
import { R1flowError } from '../../engine/errors.ts';
import { type AuditActor, auditActorOf } from '../../engine/store/audit-records.ts';
import { describePermission, type Permission, type Scope } from '../auth/permissions.ts';
import { scopeAnywhere } from '../auth/project-access.ts';
import { verifySession } from '../auth/session-token.ts';
import type { Principal } from '../auth/users.ts';
import type { RouteRule } from './route-permissions.ts';
import type { ServerContext } from './server-context.ts';

export const SESSION_COOKIE = 'r1flow_session';

/** Who may call a route: anyone, an authenticated caller, or a webhook caller (checked by the hook). */
export type RouteAccess = 'public' | 'key' | 'webhook';

/** What a request authenticated with, so long-lived answers (SSE) can re-check it. */
export interface Credential {
  keyId: string | null;
  userId: string | null;
  /** A session cookie's end; null for a key sent with the request. */
  expiresAt: number | null;
}

/** The loopback operator: no credentials, on a server that asks for none. */
export const LOOPBACK_OPERATOR: Principal = {
  actor: { kind: 'editor', id: null, name: 'loopback' },
  role: 'admin',
  projects: {},
  userId: null,
  access: null,
  projectAccess: {},
};

declare module 'fastify' {
  interface FastifyContextConfig {
    rule?: RouteRule;
  }
  interface FastifyRequest {
    credential: Credential | null;
    /** Who the request acts as; null on public and webhook routes. */
    principal: Principal | null;
    /** How far the caller's role holds the route's permission (`own`: only what they started). */
    scope: Scope | null;
  }
}

export function routeAccess(request: FastifyRequest): RouteAccess {
  const rule = request.routeOptions.config?.rule;
  return rule === 'public' || rule === 'webhook' ? rule : 'key';
}

export function createAuthHook(context: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    // The not-found handler serves nothing, so it answers 404 whoever asks.
    if (request.is404) return;
    const rule = request.routeOptions.config?.rule;
    if (rule === 'public' || rule === 'webhook') return;
    let principal: Principal | null = null;
    try {
      principal = await authenticate(context, request);
      // A route without a rule was registered around the table: refused, never open. A project
      // permission held in some project passes here; the route checks the flow's or run's project.
      const scope = rule === undefined ? null : scopeAnywhere(principal, rule);
      if (scope === null) throw denied(principal, rule, request);
      request.principal = principal;
      request.scope = scope;
    } catch (error) {
      await auditRefusal(context, request, principal, error);
      throw error;
    }
  };
}

/** Refusals of a credential someone presented; a request that presented none (AUTH_REQUIRED) is no one's. */
const AUDITED_REFUSALS: ReadonlySet<string> = new Set([
  'AUTH_FORBIDDEN',
  'PERMISSION_DENIED',
  'USER_DISABLED',
]);

export async function auditRefusal(
  context: ServerContext,
  request: FastifyRequest,
  principal: Principal | null,
  error: unknown,
): Promise<void> {
  if (!(error instanceof R1flowError) || !AUDITED_REFUSALS.has(error.code)) return;
  await context.audit.record({
    kind: 'access.denied',
    actor: refusedActor(principal, request.credential),
    target: `${request.method} ${request.routeOptions.url ?? ''}`,
    outcome: 'refused',
    reason: `${error.code}: ${error.message}`,
  });
}

async function authenticate(context: ServerContext, request: FastifyRequest): Promise<Principal> {
  const key = presentedKey(request);
  if (key !== undefined) {
    const found = await context.apiKeys.verify(key);
    if (found === null) {
      throw new R1flowError('AUTH_FORBIDDEN', 'the API key is not valid (revoked or mistyped)');
    }
    request.credential = { keyId: found.id, userId: found.userId, expiresAt: null };
    return keyPrincipal(context, found);
  }
  const session = cookies(request)[SESSION_COOKIE];
  if (session) {
    const claims = verifySession(context.serverKey, session);
    if (claims?.userId) {
      request.credential = { keyId: null, userId: claims.userId, expiresAt: claims.expiresAt };
      return context.users.principal(claims.userId, { kind: 'user', id: claims.userId });
    }
    const found = claims?.keyId ? await context.apiKeys.active(claims.keyId) : null;
    if (claims && found) {
      request.credential = { keyId: found.id, userId: found.userId, expiresAt: claims.expiresAt };
      return keyPrincipal(context, found);
    }
    throw new R1flowError('AUTH_FORBIDDEN', 'the session expired or its API key was revoked; sign in again');
  }
  if (!context.options.requireKey) return LOOPBACK_OPERATOR;
  throw new R1flowError(
    'AUTH_REQUIRED',
    'sign in first: send "Authorization: Bearer <key>" (create one with "r1flow keys create --user NAME") or sign in to the editor',
  );
}

/** A key acts as its user; a key made before users acts as an admin under its own name. */
export function keyPrincipal(
  context: ServerContext,
  key: { id: string; name: string; userId: string | null },
): Promise<Principal> | Principal {
  if (key.userId === null) {
    return {
      actor: { kind: 'api-key', id: key.id, name: key.name },
      role: 'admin',
      projects: {},
      userId: null,
      access: null,
      projectAccess: {},
    };
  }
  return context.users.principal(key.userId, { kind: 'api-key', id: key.id });
}

function denied(principal: Principal, rule: Permission | undefined, request: FastifyRequest): R1flowError {
  const route = `${request.method} ${request.routeOptions.url ?? ''}`;
  if (rule === undefined) return new R1flowError('PERMISSION_DENIED', `${route} has no permission rule`);
  return new R1flowError(
    'PERMISSION_DENIED',
    `${principal.actor.name} (${principal.role}) may not ${describePermission(rule)} (${route} needs ${rule})`,
    { data: { permission: rule, role: principal.role } },
  );
}

/** Who was refused: the caller when known, else what they presented (a disabled user's key or session). */
function refusedActor(
  principal: Principal | null,
  credential: Credential | null | undefined,
): AuditActor | null {
  if (principal) return auditActorOf(principal.actor);
  const id = credential?.userId ?? credential?.keyId;
  if (!credential || !id) return null;
  return { kind: credential.keyId === null ? 'user' : 'api-key', id, name: id };
}

/** Whether the credential behind a request still holds (key not revoked, user not disabled, session not expired). */
export async function credentialHolds(
  context: ServerContext,
  request: FastifyRequest,
  now = Date.now(),
): Promise<boolean> {
  const credential = request.credential;
  if (!credential) return true;
  if (credential.expiresAt !== null && credential.expiresAt <= now) return false;
  if (credential.keyId !== null && !(await context.apiKeys.isActive(credential.keyId))) return false;
  return credential.userId === null || context.users.isActive(credential.userId);
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

export function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    try {
      out[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed cookie of another site on this host; not ours
    }
  }
  return out;
}

/** The actor a route starts a run as: the principal's (the loopback operator when none). */
export function requestActor(request: FastifyRequest): Actor {
  return (request.principal ?? LOOPBACK_OPERATOR).actor;
}
