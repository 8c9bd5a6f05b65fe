// The node catalog, sessions for the editor, health, Prometheus metrics and the OpenAPI document.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { R1flowError, serializeError } from '../../../engine/errors.ts';
import { isStoreUnavailable } from '../../../engine/store/store-outage.ts';
import { type SessionClaims, signSession, verifySession } from '../../auth/session-token.ts';
import type { Principal } from '../../auth/users.ts';
import { RateLimiter } from '../../triggers/rate-limiter.ts';
import { cookies, keyPrincipal, SESSION_COOKIE } from '../auth-hook.ts';
import type { NodeMetrics } from '../node-metrics.ts';
import { buildOpenApi } from '../openapi.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';

const SESSION_HOURS = 12;
/** Failed sign-ins one client address may make a minute; then 429 until the bucket refills. */
export const LOGIN_FAILURES_PER_MINUTE = 10;

export function registerSystemRoutes(
  app: FastifyInstance,
  routes: RouteTable,
  context: ServerContext,
  metrics: NodeMetrics,
): void {
  const { store, registry, orchestrator } = context.runtime;
  const loginFailures = new RateLimiter();

  routes.add(app, {
    method: 'GET',
    url: '/api/nodes',
    tag: 'nodes',
    summary: 'The node catalog: every node type with JSON Schemas of its params and ports',
    handler: async () => ({ nodes: registry.catalog() }),
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/session',
    tag: 'auth',
    summary:
      'Whether this browser must sign in, whether it is signed in, and as whom (name, role on the server, role per project; a server admin holds admin in every project)',
    handler: async (_input, request) => {
      const token = cookies(request)[SESSION_COOKIE];
      const claims = token ? verifySession(context.serverKey, token) : null;
      const who = claims ? await sessionPrincipal(context, claims) : null;
      return {
        keyRequired: context.options.requireKey,
        signedIn: who !== null,
        user: who ? { name: who.actor.name, role: who.role, projects: who.projects } : null,
      };
    },
  });

  routes.add(app, {
    method: 'POST',
    url: '/api/session',
    tag: 'auth',
    summary:
      "Sign in with a user's name and password, or an API key, for an HttpOnly session cookie (the editor and its SSE use it)",
    body: z.union([
      z.object({ apiKey: z.string().min(1).max(200) }).strict(),
      z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
    ]),
    responses: {
      200: 'Signed in',
      401: 'Wrong user name or password',
      403: 'Not a valid key, or the user is disabled',
      429: 'Too many failed attempts from this address',
    },
    handler: async ({ body }, request, reply) => {
      // Checked before the key, so a guesser learns nothing more once throttled.
      const wait = loginFailures.wait(request.ip, LOGIN_FAILURES_PER_MINUTE);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new R1flowError(
          'RATE_LIMITED',
          `too many failed sign-ins from this address; retry in ${wait} s`,
        );
      }
      let subject: { keyId: string } | { userId: string };
      try {
        subject = await signInSubject(context, body);
      } catch (error) {
        loginFailures.take(request.ip, LOGIN_FAILURES_PER_MINUTE);
        // The name tried (never the password or key), so an admin sees who is being guessed at.
        const { code, message } = serializeError(error);
        await context.audit.record({
          kind: 'sign-in.failed',
          actor: null,
          target: 'name' in body ? body.name : 'api key',
          outcome: 'refused',
          reason: `${code}: ${message}`,
          detail: { ip: request.ip },
        });
        throw error;
      }
      const expiresAt = Date.now() + SESSION_HOURS * 3_600_000;
      const token = signSession(context.serverKey, { ...subject, expiresAt });
      reply.header('set-cookie', sessionCookie(context, request, token, SESSION_HOURS * 3600));
      return { signedIn: true, expiresAt };
    },
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/api/session',
    tag: 'auth',
    summary: 'Sign out',
    handler: async (_input, request, reply) => {
      reply.header('set-cookie', sessionCookie(context, request, '', 0));
      return { signedIn: false };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/openapi.json',
    tag: 'system',
    summary: 'This API as an OpenAPI 3.1 document',
    handler: async () => buildOpenApi(routes.routes, context.options.version),
  });

  app.get('/healthz', async (_request, reply) => {
    const extra = await context.health();
    const stored = await storeHealth(store);
    const ok = extra.ok !== false && stored.store === 'reachable';
    return reply.status(ok ? 200 : 503).send({
      version: context.options.version,
      transport: context.runtime.transport.name,
      activeRuns: orchestrator.activeRunCount,
      ...stored,
      ...extra,
      ok,
    });
  });

  app.get('/metrics', async (_request, reply) => {
    const runs = await store.countRunsByStatus();
    const extra = await context.health();
    const lines = [
      '# HELP r1flow_runs Runs in the store by status.',
      '# TYPE r1flow_runs gauge',
      ...['queued', 'running', 'succeeded', 'failed', 'cancelled'].map(
        (s) => `r1flow_runs{status="${s}"} ${runs[s] ?? 0}`,
      ),
      '# HELP r1flow_active_runs Runs this process drives now.',
      '# TYPE r1flow_active_runs gauge',
      `r1flow_active_runs ${orchestrator.activeRunCount}`,
      ...metrics.prometheusLines(),
      ...queueDepthLines(extra.queues),
    ];
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}

/** Whether the store answers, with its run counts when it does; an outage is a fact here, not a failure. */
async function storeHealth(
  store: ServerContext['runtime']['store'],
): Promise<{ store: 'reachable' | 'unavailable'; runs?: Record<string, number> }> {
  try {
    return { store: 'reachable', runs: await store.countRunsByStatus() };
  } catch (error) {
    if (isStoreUnavailable(error)) return { store: 'unavailable' };
    throw error;
  }
}

/** Who a sign-in is for: a valid key, or a user whose password matches (and who is not disabled). */
async function signInSubject(
  context: ServerContext,
  body: { apiKey: string } | { name: string; password: string },
): Promise<{ keyId: string } | { userId: string }> {
  if ('apiKey' in body) {
    const key = await context.apiKeys.verify(body.apiKey);
    if (!key) throw new R1flowError('AUTH_FORBIDDEN', 'the API key is not valid (revoked or mistyped)');
    return { keyId: key.id };
  }
  const user = await context.users.signIn(body.name, body.password);
  return { userId: user.id };
}

/** The principal behind a session's claims, or null when the session no longer holds. */
async function sessionPrincipal(context: ServerContext, claims: SessionClaims): Promise<Principal | null> {
  try {
    if (claims.userId)
      return await context.users.principal(claims.userId, { kind: 'user', id: claims.userId });
    const key = claims.keyId ? await context.apiKeys.active(claims.keyId) : null;
    return key ? await keyPrincipal(context, key) : null;
  } catch {
    return null;
  }
}

/**
 * The session cookie; Secure when the server is reached over https (its --public-url, or
 * X-Forwarded-Proto from a trusted proxy, which fastify folds into request.protocol).
 */
function sessionCookie(
  context: ServerContext,
  request: FastifyRequest,
  token: string,
  maxAge: number,
): string {
  const https = request.protocol === 'https' || context.options.publicUrl.startsWith('https:');
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${https ? '; Secure' : ''}`;
}

function queueDepthLines(queues: unknown): string[] {
  if (!queues || typeof queues !== 'object') return [];
  const lines = ['# HELP r1flow_queue_jobs Node jobs per lane and state.', '# TYPE r1flow_queue_jobs gauge'];
  for (const [lane, counts] of Object.entries(queues as Record<string, Record<string, number>>)) {
    for (const [state, count] of Object.entries(counts ?? {})) {
      if (typeof count === 'number')
        lines.push(`r1flow_queue_jobs{lane="${lane}",state="${state}"} ${count}`);
    }
  }
  return lines;
}
