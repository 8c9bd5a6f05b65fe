// Short-lived signed tokens: the editor's session cookie (the browser's EventSource cannot send
// headers, so SSE authenticates by cookie, never with the API key itself).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A session is signed in with an API key (`keyId`) or as a user by password (`userId`). */
export interface SessionClaims {
  keyId?: string;
  userId?: string;
  expiresAt: number;
}

export function signSession(key: Buffer, claims: SessionClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function verifySession(key: Buffer, token: string, now = Date.now()): SessionClaims | null {
  const [body, signature] = token.split('.');
  if (!body || !signature) return null;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
    const subject = typeof claims.keyId === 'string' || typeof claims.userId === 'string';
    return subject && claims.expiresAt > now ? claims : null;
  } catch {
    return null;
  }
}
