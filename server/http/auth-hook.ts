// API authentication: `Authorization: Bearer <key>` or `X-API-Key`, or the editor's session cookie.
// Required on /api and /metrics when the server listens beyond loopback or runs with --require-key.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import { verifySession } from '../auth/session-token.ts';
import type { ServerContext } from './server-context.ts';

export const SESSION_COOKIE = 'r1flow_session';

const OPEN_ROUTES = new Set(['POST /api/session', 'GET /api/session']);

export function createAuthHook(context: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const url = request.url.split('?')[0]!;
    const guarded = url.startsWith('/api/') || url === '/metrics';
    if (!guarded || !context.options.requireKey || OPEN_ROUTES.has(`${request.method} ${url}`)) return;
    const key = presentedKey(request);
    if (key !== undefined) {
      if ((await context.apiKeys.verify(key)) === null) {
        throw new R1flowError('AUTH_FORBIDDEN', 'the API key is not valid (revoked or mistyped)');
      }
      return;
    }
    const session = cookies(request)[SESSION_COOKIE];
    if (session) {
      const claims = verifySession(context.serverKey, session);
      if (claims && (await context.apiKeys.isActive(claims.keyId))) return;
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
    if (index > 0) out[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
  }
  return out;
}
