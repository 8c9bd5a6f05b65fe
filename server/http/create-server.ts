// Builds the HTTP server around a runtime: API routes, webhooks, SSE, auth, schedules and the
// editor's files. `listen()` is the caller's.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../engine/define-node.ts';
import { isR1flowError } from '../../engine/errors.ts';
import { AUDIT_RETENTION_ENV, auditRetentionDays, startAuditRetention } from '../audit/audit-retention.ts';
import { AuditTrail } from '../audit/audit-trail.ts';
import { ApiKeys } from '../auth/api-keys.ts';
import type { ReplayGuard } from '../auth/replay-guard.ts';
import { UserDirectory } from '../auth/users.ts';
import { type RunRetention, runRetentionFrom, startRunRetention } from '../retention/run-retention.ts';
import type { Runtime } from '../runtime/local-runtime.ts';
import { RateLimiter } from '../triggers/rate-limiter.ts';
import type { RateLimits } from '../triggers/rate-limits.ts';
import {
  type ScheduleDriver,
  ScheduleRunner,
  type ScheduleRunnerOptions,
} from '../triggers/schedule-runner.ts';
import { TriggerStore } from '../triggers/trigger-store.ts';
import { createAuthHook } from './auth-hook.ts';
import { sendError } from './http-errors.ts';
import { NodeMetrics } from './node-metrics.ts';
import { createRequestGuards } from './request-guards.ts';
import { type RegisteredRoute, RouteTable } from './route.ts';
import { routeRule } from './route-permissions.ts';
import { registerAuditRoutes } from './routes/audit-routes.ts';
import { registerConnectionRoutes } from './routes/connection-routes.ts';
import { registerFeedbackRoutes } from './routes/feedback-routes.ts';
import { registerFlowRoutes } from './routes/flow-routes.ts';
import { registerHookRoutes } from './routes/hook-routes.ts';
import { registerPinRoutes } from './routes/pin-routes.ts';
import { registerRunRoutes } from './routes/run-routes.ts';
import { registerSystemRoutes } from './routes/system-routes.ts';
import { registerUserRoutes } from './routes/user-routes.ts';
import type { ServerContext, ServerOptions } from './server-context.ts';
import { registerEditorFiles } from './static-files.ts';

export interface R1flowServer {
  app: FastifyInstance;
  context: ServerContext;
  /** The API routes (with their access), as the OpenAPI document lists them. */
  routes: readonly RegisteredRoute[];
  schedules: ScheduleDriver;
  close(): Promise<void>;
}

export interface CreateServerOptions extends ServerOptions {
  runtime: Runtime;
  serverKey: Buffer;
  logger: Logger;
  /** Extra health facts, e.g. Redis reachability in queue mode. */
  health?: () => Promise<Record<string, unknown>>;
  /** Where fastify logs (server errors); silent unless given. */
  requestLogger?: FastifyBaseLogger;
  /** How schedules fire; in-process timers unless given (queue mode passes BullMQ job schedulers). */
  scheduleDriver?: (options: ScheduleRunnerOptions) => ScheduleDriver;
  /** Where accepted webhook signatures are remembered; the store unless given (queue mode: Redis). */
  replayGuard?: ReplayGuard;
  /** Where webhook rate limits are counted; this process unless given (queue mode: Redis). */
  rateLimits?: RateLimits;
  /**
   * Proxies whose X-Forwarded-For/-Proto are believed (fastify's trustProxy: true, or addresses and
   * CIDRs); `R1FLOW_TRUST_PROXY` when not given. Off by default: the socket's address counts.
   */
  trustProxy?: boolean | string;
  /** Days the audit log keeps entries (0: forever); `R1FLOW_AUDIT_RETENTION_DAYS`, else 90, when not given. */
  auditRetentionDays?: number;
  /**
   * Days finished runs are kept (0: forever), unless their flow sets its own;
   * `R1FLOW_RUN_RETENTION_DAYS` / `R1FLOW_FAILED_RUN_RETENTION_DAYS`, else 14 / 30, when not given.
   */
  runRetention?: RunRetention;
}

export function createServer(options: CreateServerOptions): R1flowServer {
  const { runtime } = options;
  const triggers = new TriggerStore(runtime.store.triggers, options.serverKey);
  const scheduleOptions: ScheduleRunnerOptions = {
    logger: options.logger,
    list: async () => {
      const enabled = new Set((await runtime.store.listFlows()).filter((f) => f.enabled).map((f) => f.id));
      return (await triggers.list({ kind: 'schedule' })).filter(
        (t): t is Extract<typeof t, { kind: 'schedule' }> =>
          t.kind === 'schedule' && t.enabled && enabled.has(t.flowId),
      );
    },
    fire: async (trigger, tickAt) => {
      // Another process (`r1flow flows disable`) may have switched the flow off since it was armed.
      const flow = await runtime.store.getFlow(trigger.flowId);
      if (!flow?.enabled || flow.publishedVersion !== trigger.flowVersion) return;
      try {
        await runtime.orchestrator.startRun({
          flowId: trigger.flowId,
          version: trigger.flowVersion,
          input: { ...trigger.config.input, firedAt: tickAt.toISOString() },
          trigger: { kind: 'schedule', detail: { nodeId: trigger.nodeId, tick: tickAt.toISOString() } },
          startedBy: { kind: 'schedule', id: trigger.id, name: `${trigger.flowId}/${trigger.nodeId}` },
          // The store starts one run per tick however many servers (or redelivered jobs) fire it.
          scheduleTick: { triggerId: trigger.id, fireAt: tickAt.getTime() },
        });
      } catch (error) {
        // Another server (or an earlier delivery of this tick) started its run: nothing to do.
        if (isR1flowError(error) && error.code === 'SCHEDULE_TICK_TAKEN') return;
        throw error;
      }
    },
    missed: (trigger, tickAt) => triggers.recordMissedFire(trigger.id, tickAt.getTime()),
  };
  const schedules = options.scheduleDriver?.(scheduleOptions) ?? new ScheduleRunner(scheduleOptions);
  const replayGuard: ReplayGuard = options.replayGuard ?? runtime.store.replays;
  const rateLimits: RateLimits = options.rateLimits ?? new RateLimiter();
  const context: ServerContext = {
    runtime,
    apiKeys: new ApiKeys(runtime.store.apiKeys),
    users: new UserDirectory(runtime.store.users),
    audit: new AuditTrail(runtime.store.audit),
    triggers,
    replayGuard,
    rateLimits,
    serverKey: options.serverKey,
    options: {
      requireKey: options.requireKey,
      publicUrl: options.publicUrl,
      version: options.version,
      ...(options.editorDir ? { editorDir: options.editorDir } : {}),
      ...(options.suggestedQuestions ? { suggestedQuestions: options.suggestedQuestions } : {}),
    },
    // Not awaited by the route that changed them; a refresh that fails is logged, never unhandled.
    onTriggersChanged: () =>
      void schedules
        .refresh()
        .catch((error: Error) =>
          options.logger.error('re-arming the schedules failed', { error: error.message }),
        ),
    health: options.health ?? (async () => ({})),
  };

  const app = Fastify({
    ...(options.requestLogger ? { loggerInstance: options.requestLogger } : { logger: false }),
    bodyLimit: 10 * 1024 * 1024,
    forceCloseConnections: true,
    trustProxy: options.trustProxy ?? trustProxyFromEnv(),
  });
  app.decorateRequest('credential', null);
  app.decorateRequest('principal', null);
  app.decorateRequest('scope', null);
  // Every route gets its rule from the one table; a route missing there fails to register.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      route.config = { ...route.config, rule: routeRule(method, route.url) };
    }
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.addHook('onRequest', createRequestGuards(context));
  app.addHook('onRequest', createAuthHook(context));

  const metrics = new NodeMetrics({
    typeOf: (runId, nodeId) => runtime.store.getNodeKey(runId, nodeId),
    flowOf: async (runId) => (await runtime.store.getRunRecord(runId))?.flowId ?? null,
  });
  const stopMetrics = runtime.orchestrator.onEvents((events) => void metrics.record(events));
  const auditRetention = startAuditRetention({
    records: runtime.store.audit,
    days: options.auditRetentionDays ?? auditRetentionDays(runtime.settings.setting(AUDIT_RETENTION_ENV)),
    logger: options.logger,
  });
  const runRetention = startRunRetention({
    store: runtime.store,
    retention: options.runRetention ?? runRetentionFrom(runtime.settings.setting),
    logger: options.logger,
  });

  const routes = new RouteTable();
  registerFlowRoutes(app, routes, context);
  registerRunRoutes(app, routes, context);
  registerPinRoutes(app, routes, context);
  registerConnectionRoutes(app, routes, context);
  registerFeedbackRoutes(app, routes, context, options.logger);
  registerUserRoutes(app, routes, context);
  registerSystemRoutes(app, routes, context, metrics);
  registerAuditRoutes(app, routes, context);
  registerHookRoutes(app, context);
  registerEditorFiles(app, options.editorDir);

  return {
    app,
    context,
    routes: routes.routes,
    schedules,
    async close() {
      await schedules.close();
      stopMetrics();
      auditRetention.stop();
      runRetention.stop();
      await app.close();
      await replayGuard.close?.();
      await rateLimits.close?.();
    },
  };
}

export const TRUST_PROXY_ENV = 'R1FLOW_TRUST_PROXY';

/** `true`, or comma-separated proxy addresses/CIDRs; unset, empty or `false`: no proxy. */
function trustProxyFromEnv(): boolean | string {
  const value = process.env[TRUST_PROXY_ENV]?.trim();
  if (!value || value === 'false') return false;
  return value === 'true' ? true : value;
}
