// API authentication: `Authorization: Bearer <key>` or `X-API-Key`, or the editor's session cookie.
// Decided on the route fastify matched (its `config.access`), never on the raw request-target: the
// router decodes `%61pi` to `api`, so a prefix test on the URL can be walked around. Routes are
// keyed by default; only health, the session (login) routes, the editor's files and webhooks (which
// check their own signature or token) are public. Keys are required when the server listens beyond
// loopback or runs with --require-key.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import { verifySession } from '../auth/session-token.ts';
import type { ServerContext } from './server-context.ts';

export const SESSION_COOKIE = 'r1flow_session';

/**
 * Who may call a route: anyone, an API key holder, an administrator, or a webhook caller (checked
 * by the hook). `admin` routes (the audit log) need a key today, like `key` routes; roles will
 * narrow them to administrators here, in one place.
 */
export type RouteAccess = 'public' | 'key' | 'admin' | 'webhook';

const NEEDS_KEY: ReadonlySet<RouteAccess> = new Set(['key', 'admin']);

/** The key a request authenticated with, so long-lived answers (SSE) can re-check it. */
export interface Credential {
  keyId: string;
  /** A session cookie's end; null for a key sent with the request. */
  expiresAt: number | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    credential: Credential | null;
  }
}

export function routeAccess(request: FastifyRequest): RouteAccess {
  return request.routeOptions.config?.access ?? 'key';
}

export function createAuthHook(context: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    // The not-found handler serves nothing, so it answers 404 whoever asks.
    if (request.is404 || !NEEDS_KEY.has(routeAccess(request)) || !context.options.requireKey) return;
    const key = presentedKey(request);
    if (key !== undefined) {
      const keyId = await context.apiKeys.verify(key);
      if (keyId === null) {
        throw new R1flowError('AUTH_FORBIDDEN', 'the API key is not valid (revoked or mistyped)');
      }
      request.credential = { keyId, expiresAt: null };
      return;
    }
    const session = cookies(request)[SESSION_COOKIE];
    if (session) {
      const claims = verifySession(context.serverKey, session);
      if (claims && (await context.apiKeys.isActive(claims.keyId))) {
        request.credential = { keyId: claims.keyId, expiresAt: claims.expiresAt };
        return;
      }
      throw new R1flowError(
        'AUTH_FORBIDDEN',
        'the session expired or its API key was revoked; sign in again',
      );
    }
    throw new R1flowError(
      'AUTH_REQUIRED',
      'an API key is required: send "Authorization: Bearer <key>" (create one with "r1flow keys create")',
    );
  };
}

/** Whether the key behind a request still holds (not revoked, session not expired). */
export async function credentialHolds(
  context: ServerContext,
  request: FastifyRequest,
  now = Date.now(),
): Promise<boolean> {
  const credential = request.credential;
  if (!credential) return true;
  if (credential.expiresAt !== null && credential.expiresAt <= now) return false;
  return context.apiKeys.isActive(credential.keyId);
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
