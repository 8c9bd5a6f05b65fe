import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import type { Lane, Logger } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { environmentSettings, settingsFrom } from '../../../engine/host-settings.ts';
import { packagePath, packageVersion } from '../../../engine/package-root.ts';
import { finishedRuns } from '../../../engine/scheduler/resume-runs.ts';
import { storeLabel } from '../../../engine/store/open-store.ts';
import { DATA_DIR_ENV, dataDirectory } from '../../../nodes/warehouse/data-dir.ts';
import { WAREHOUSE_ENV } from '../../../nodes/warehouse/resolve-warehouse.ts';
import { queueStats } from '../../../workers/queue-stats.ts';
import { createQueueTransport, type QueueTransport } from '../../../workers/queue-transport.ts';
import { redactRedisUrl, resolveRedisUrl, settleWithin } from '../../../workers/redis-connection.ts';
import { type QueueWorker, startQueueWorker } from '../../../workers/start-worker.ts';
import { ensureFirstAdmin, firstAdminNotice } from '../../auth/first-admin.ts';
import { RedisReplayGuard } from '../../auth/replay-guard.ts';
import { loadServerSecret } from '../../auth/server-secret.ts';
import {
  ensureModelServer,
  ensureWarehouse,
  importExampleFlows,
  LLM_URL_ENV,
} from '../../demo/demo-defaults.ts';
import { demoQuestions } from '../../demo/demo-questions.ts';
import { createServer } from '../../http/create-server.ts';
import { isLoopbackHost } from '../../http/loopback.ts';
import {
  FAILED_RUN_RETENTION_FLAG,
  RUN_RETENTION_FLAG,
  runRetentionFrom,
} from '../../retention/run-retention.ts';
import { createRuntime, type Runtime } from '../../runtime/local-runtime.ts';
import { BullmqScheduleRunner } from '../../triggers/bullmq-schedule-runner.ts';
import { RedisRateLimits } from '../../triggers/redis-rate-limits.ts';
import { syncAllTriggers } from '../../triggers/sync-all-triggers.ts';
import { defineCommand } from '../command.ts';
import {
  logFormatFlag,
  parseFlags,
  parseIntegerFlag,
  processLogger,
  storeFlags,
  storeLocation,
} from '../options.ts';
import { listenError } from './listen-error.ts';

const usage = `start [--port 3000] [--host 127.0.0.1] [--store PATH|URL] [--redis URL] [--lanes cpu,sql,llm,io]
                    [--require-key] [--llm URL] [--public-url URL] [--data-dir DIR]
                    [--run-retention-days 14] [--failed-run-retention-days 30]
                    [--lease-ms 15000] [--log-format pretty|json]

  --port N, PORT       where the API and editor listen (default 3000; 0 picks a free port)
  --host H             interface to bind, R1FLOW_HOST (default 127.0.0.1; beyond loopback an API key is required)
  --store PATH|URL     the store, R1FLOW_STORE (default ./data/r1flow.db): a SQLite file, or a
                       postgres://USER:PASSWORD@HOST/DB shared by every server and worker of a cluster
                       (then R1FLOW_SECRET_KEY, the same on each, is required); --db and R1FLOW_DB
                       are its older names
  --redis URL          queue mode: node jobs go over BullMQ on this Redis (e.g. redis://127.0.0.1:6379)
  --lanes L,L          with --redis, also run workers for these lanes in this process (cpu, sql, llm, io)
  --require-key        require an API key on loopback too
  --llm URL            OpenAI-compatible model server root including /v1, R1FLOW_LLM_URL
                       (default: the simulated server on the demo replay)
  --public-url URL     the URL webhooks are shown under (default http://HOST:PORT)
  --data-dir DIR       files that flows may read and write (warehouses, sync sources), R1FLOW_DATA_DIR
                       (default: the store's folder; ./data for a postgres:// store)
  --run-retention-days N
                       days succeeded and cancelled runs are kept, R1FLOW_RUN_RETENTION_DAYS
                       (default 14; 0 keeps them forever; a flow's "retention" overrides it)
  --failed-run-retention-days N
                       days failed runs are kept, R1FLOW_FAILED_RUN_RETENTION_DAYS (default 30)
  --lease-ms N         how long this server's hold on a run lasts without renewal (renewed every
                       0.5 s), R1FLOW_RUN_LEASE_MS (default 15000, at least 2000): with a shared
                       store, another server takes a silent server's runs over after it
  --log-format F       pretty or json (default: pretty on a terminal, JSON lines otherwise)`;
const PORT_FLAGS = '--port N or PORT=N';
const EDITOR_DIR = packagePath('editor/dist/');
const VLLM_HINT =
  'to use a real model: vllm serve MPX0222forHF/SQL-R1-7B --port 8000 --max-model-len 8192, then R1FLOW_LLM_URL=http://127.0.0.1:8000/v1 npm start';

export default defineCommand({
  name: 'start',
  summary: 'Start r1flow: HTTP API, editor, webhooks, schedules; resumes unfinished runs',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        ...storeFlags,
        ...logFormatFlag,
        port: { type: 'string' },
        host: { type: 'string' },
        'require-key': { type: 'boolean' },
        llm: { type: 'string' },
        'public-url': { type: 'string' },
        'data-dir': { type: 'string' },
        redis: { type: 'string' },
        lanes: { type: 'string' },
        [RUN_RETENTION_FLAG]: { type: 'string' },
        [FAILED_RUN_RETENTION_FLAG]: { type: 'string' },
        'lease-ms': { type: 'string' },
      },
      usage,
    );
    const logger = processLogger('r1flow', values['log-format']);
    const port = parseIntegerFlag(values.port ?? process.env.PORT, 'port', 3000, 0);
    const host = values.host ?? process.env.R1FLOW_HOST ?? '127.0.0.1';
    // Several renewals (every 0.5 s) must fit in a lease, or a busy moment would hand runs over.
    const leaseMs = parseIntegerFlag(
      values['lease-ms'] ?? process.env.R1FLOW_RUN_LEASE_MS,
      'lease-ms',
      15_000,
      2_000,
    );
    const runRetention = runRetentionFrom(environmentSettings.setting, {
      days: values[RUN_RETENTION_FLAG],
      failedDays: values[FAILED_RUN_RETENTION_FLAG],
    });
    // Before anything is set up or logged (a webhook secret is shown only once).
    await checkPortFree(host, port);
    // Flags over the environment; the demo defaults set up below join once they exist (the
    // settings read `overrides` at each lookup, and no node runs before the orchestrator starts).
    const overrides: Record<string, string> = {};
    if (values.llm) overrides[LLM_URL_ENV] = values.llm;
    if (values['data-dir']) overrides[DATA_DIR_ENV] = resolve(values['data-dir']);
    const settings = settingsFrom(process.env, overrides);
    const database = storeLocation(values);
    if (values.lanes !== undefined && values.redis === undefined) {
      throw new R1flowError(
        'CONFIG_INVALID',
        '--lanes runs queue workers in this process and needs --redis URL',
      );
    }
    const redisUrl = values.redis === undefined ? undefined : resolveRedisUrl(values.redis);
    // Results nobody takes are deleted once the store says their run is over (the runtime exists
    // before the transport first looks).
    const finished = (runIds: readonly string[]) => finishedRuns(runtime.store, runIds);
    const queue = redisUrl ? createQueueTransport({ redisUrl, logger, finishedRuns: finished }) : undefined;
    const serverSecret = loadServerSecret(database, dataDirectory(settings.setting));
    const serverKey = serverSecret.key;
    const runtime = await createRuntime({
      storeLocation: database,
      logger,
      settings,
      serverKey,
      leaseMs,
      ...(queue ? { transport: () => queue } : {}),
    });
    const keyRequired = values['require-key'] === true || !isLoopbackHost(host);
    const server = createServer({
      runtime,
      serverKey,
      logger,
      requireKey: keyRequired,
      publicUrl: values['public-url'] ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      editorDir: EDITOR_DIR,
      version: packageVersion(),
      runRetention,
      ...(redisUrl && queue
        ? {
            health: () => queueHealth(queue, redisUrl),
            scheduleDriver: (options) => new BullmqScheduleRunner({ ...options, redisUrl }),
            replayGuard: new RedisReplayGuard(redisUrl, logger),
            rateLimits: new RedisRateLimits(redisUrl, logger),
          }
        : {}),
    });
    // Callers sign in with a key or as a user; the first start makes the admin they start from.
    const firstAdmin = await ensureFirstAdmin(server.context.users, process.env, server.context.audit);
    const warehouse = ensureWarehouse(settings);
    overrides[WAREHOUSE_ENV] = warehouse;
    const sim = await ensureModelServer(settings, logger);
    if (sim) {
      overrides[LLM_URL_ENV] = sim.url;
      server.context.options.suggestedQuestions = demoQuestions();
    }
    const imported = await importExampleFlows(runtime.store, runtime.registry, logger);
    // Never the secret itself: logs are copied and kept. HMAC secrets are readable with a key at
    // GET /api/flows/<id>/triggers; a token is only ever shown by rotating it.
    for (const { flowId, triggerId, nodeId, auth } of await syncAllTriggers(
      runtime.store,
      server.context.triggers,
    )) {
      logger.info(
        auth === 'hmac'
          ? `webhook ${nodeId} of flow ${flowId} has a new HMAC secret: read it at GET /api/flows/${flowId}/triggers`
          : `webhook ${nodeId} of flow ${flowId} has a new token: get it with POST /api/triggers/${triggerId}/rotate-secret`,
        { flowId, triggerId, auth },
      );
    }
    // In queue mode without --lanes, node work is left to `r1flow worker` processes.
    const worker =
      redisUrl && values.lanes
        ? await startQueueWorker({
            redisUrl,
            lanes: values.lanes.split(',').map((lane) => lane.trim() as Lane),
            registry: runtime.registry,
            resources: runtime.resources,
            settings: runtime.settings,
            logger,
          })
        : undefined;
    const { resumed } = await runtime.orchestrator.start();
    await server.schedules.start();
    const address = await server.app.listen({ port, host }).catch(async (error: unknown) => {
      await Promise.all([server.close(), worker?.close(), sim?.close()]);
      await runtime.close();
      throw listenError(error, host, port, PORT_FLAGS);
    });
    // With --port 0 the real port is known only now; webhook URLs shown by the API use it.
    if (!values['public-url']) server.context.options.publicUrl = address;
    logger.info('r1flow started', {
      url: address,
      store: storeLabel(database),
      serverKey: serverSecret.source,
      warehouse,
      model: settings.setting(LLM_URL_ENV),
      importedFlows: imported,
      resumedRuns: resumed.length,
      apiKeyRequired: keyRequired,
      transport: redisUrl
        ? `queue (${redactRedisUrl(redisUrl)}; lanes here: ${values.lanes ?? 'none'})`
        : 'inline',
    });
    if (firstAdmin) process.stderr.write(firstAdminNotice(firstAdmin, address));
    if (sim) logger.info(VLLM_HINT);
    process.stderr.write(`\n  r1flow is running at ${address}  (Ctrl-C stops it)\n\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info(`stopping: no new requests; letting running runs finish (up to ${SHUTDOWN_MS / 1000} s)`);
    await shutDown({ server, runtime, worker, sim }, logger);
    return 0;
  },
});

/** Fails fast, in one line, when the port is taken; listen() still reports a port lost after this. */
function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (error) => reject(listenError(error, host, port, PORT_FLAGS)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Health in queue mode: Redis reachability and queue depths (for /healthz and /metrics). */
async function queueHealth(queue: QueueTransport, redisUrl: string): Promise<Record<string, unknown>> {
  const health = await queue.health();
  if (health.redis !== 'reachable') return { ok: false, redis: health.message };
  const stats = await queueStats({ redisUrl, timeoutMs: 1000 }).catch(() => undefined);
  return {
    ok: true,
    redis: health.message,
    ...(health.persistence ? { redisPersistence: health.persistence } : {}),
    ...(stats ? { queues: stats.lanes, batches: stats.batches } : {}),
  };
}

/** The promised drain period of SIGTERM/SIGINT, closing included. */
const SHUTDOWN_MS = 10_000;
/** Of that, what is kept for handing jobs back and closing connections, store and servers. */
const CLOSE_RESERVE_MS = 3000;

/**
 * Drains runs, then closes everything with bounded waits (Redis may be down, a client may hold a
 * connection); jobs still running go back to their queues and runs resume on the next start.
 */
async function shutDown(
  parts: {
    server: { close(): Promise<void> };
    runtime: Runtime;
    worker: QueueWorker | undefined;
    sim: { close(): Promise<void> } | null;
  },
  logger: Logger,
): Promise<void> {
  const deadline = Date.now() + SHUTDOWN_MS;
  const left = (reserve = 0) => Math.max(deadline - Date.now() - reserve, 0);
  const { server, runtime, worker, sim } = parts;
  await settleWithin(server.close(), left(CLOSE_RESERVE_MS));
  await drainRuns(runtime, left(CLOSE_RESERVE_MS));
  if (worker) await settleWithin(worker.close({ graceMs: 0 }), left(1000));
  await settleWithin(runtime.close(), left(500));
  if (sim) await settleWithin(sim.close(), left());
  // A node that ignores its abort signal keeps its timers alive after everything closed: leave anyway.
  setTimeout(() => {
    logger.warn('stopped; node code still running in this process is abandoned');
    process.exit(process.exitCode ?? 0);
  }, 200).unref();
}

/** Waits for the runs this process drives to finish; what is left resumes on the next start. */
async function drainRuns(runtime: Runtime, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (runtime.orchestrator.activeRunCount > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
