import type { Lane } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { packagePath, packageVersion } from '../../../engine/package-root.ts';
import { queueStats } from '../../../workers/queue-stats.ts';
import { createQueueTransport, type QueueTransport } from '../../../workers/queue-transport.ts';
import { redactRedisUrl, resolveRedisUrl } from '../../../workers/redis-connection.ts';
import { startQueueWorker } from '../../../workers/start-worker.ts';
import { createConsoleLogger } from '../../app/console-logger.ts';
import { ensureModelServer, ensureWarehouse, importExampleFlows } from '../../app/demo-defaults.ts';
import { isLoopbackHost } from '../../app/loopback.ts';
import { syncAllTriggers } from '../../app/sync-all-triggers.ts';
import { loadServerSecret } from '../../auth/server-secret.ts';
import { createServer } from '../../http/create-server.ts';
import { createRuntime, type Runtime } from '../../runtime/local-runtime.ts';
import { BullmqScheduleRunner } from '../../triggers/bullmq-schedule-runner.ts';
import { defineCommand } from '../command.ts';
import { dbFlag, dbPath, parseFlags, parseIntegerFlag } from '../options.ts';

const usage =
  'start [--port 3000] [--host 127.0.0.1] [--db PATH] [--require-key] [--llm URL] [--public-url URL]';
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
        ...dbFlag,
        port: { type: 'string' },
        host: { type: 'string' },
        'require-key': { type: 'boolean' },
        llm: { type: 'string' },
        'public-url': { type: 'string' },
        redis: { type: 'string' },
        lanes: { type: 'string' },
      },
      usage,
    );
    const logger = createConsoleLogger();
    const port = parseIntegerFlag(values.port ?? process.env.PORT, 'port', 3000, 0);
    const host = values.host ?? process.env.R1FLOW_HOST ?? '127.0.0.1';
    if (values.llm) process.env.R1FLOW_LLM_URL = values.llm;
    const database = dbPath(values.db);
    if (values.lanes !== undefined && values.redis === undefined) {
      throw new R1flowError(
        'CONFIG_INVALID',
        '--lanes runs queue workers in this process and needs --redis URL',
      );
    }
    const redisUrl = values.redis === undefined ? undefined : resolveRedisUrl(values.redis);
    const queue = redisUrl ? createQueueTransport({ redisUrl, logger }) : undefined;
    const runtime = await createRuntime({
      dbPath: database,
      logger,
      ...(queue ? { transport: () => queue } : {}),
    });
    const keyRequired = values['require-key'] === true || !isLoopbackHost(host);
    const server = createServer({
      runtime,
      serverKey: loadServerSecret(database).key,
      logger,
      requireKey: keyRequired,
      publicUrl: values['public-url'] ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      editorDir: EDITOR_DIR,
      version: packageVersion(),
      ...(redisUrl && queue
        ? {
            health: () => queueHealth(queue, redisUrl),
            scheduleDriver: (options) => new BullmqScheduleRunner({ ...options, redisUrl }),
          }
        : {}),
    });
    if (keyRequired && !(await server.context.apiKeys.hasActiveKeys())) {
      await runtime.close();
      throw new R1flowError(
        'CONFIG_INVALID',
        `listening on ${host} requires an API key and none exists: create one with "r1flow keys create --name admin --db ${database}"`,
      );
    }
    const warehouse = ensureWarehouse();
    const sim = await ensureModelServer(logger);
    const imported = await importExampleFlows(runtime.store, runtime.registry, logger);
    for (const secret of await syncAllTriggers(runtime.store, server.context.triggers)) {
      logger.info('new webhook secret (shown once; also in GET /api/flows/<id>/triggers for HMAC)', {
        ...secret,
      });
    }
    // In queue mode without --lanes, node work is left to `r1flow worker` processes.
    const worker =
      redisUrl && values.lanes
        ? await startQueueWorker({
            redisUrl,
            lanes: values.lanes.split(',').map((lane) => lane.trim() as Lane),
            registry: runtime.registry,
            resources: runtime.resources,
            logger,
          })
        : undefined;
    const { resumed } = await runtime.orchestrator.start();
    await server.schedules.start();
    const address = await server.app.listen({ port, host });
    // With --port 0 the real port is known only now; webhook URLs shown by the API use it.
    if (!values['public-url']) server.context.options.publicUrl = address;
    logger.info('r1flow started', {
      url: address,
      store: database,
      warehouse,
      model: process.env.R1FLOW_LLM_URL,
      importedFlows: imported,
      resumedRuns: resumed.length,
      apiKeyRequired: keyRequired,
      transport: redisUrl
        ? `queue (${redactRedisUrl(redisUrl)}; lanes here: ${values.lanes ?? 'none'})`
        : 'inline',
    });
    if (sim) logger.info(VLLM_HINT);
    process.stderr.write(`\n  r1flow is running at ${address}  (Ctrl-C stops it)\n\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info('stopping: no new requests; letting running runs finish (up to 10 s)');
    await server.close();
    await drainRuns(runtime, 10_000);
    await worker?.close();
    await runtime.close();
    await sim?.close();
    return 0;
  },
});

/** Health in queue mode: Redis reachability and queue depths (for /healthz and /metrics). */
async function queueHealth(queue: QueueTransport, redisUrl: string): Promise<Record<string, unknown>> {
  const health = await queue.health();
  if (health.redis !== 'reachable') return { ok: false, redis: health.message };
  const stats = await queueStats({ redisUrl, timeoutMs: 1000 }).catch(() => undefined);
  return {
    ok: true,
    redis: health.message,
    ...(stats ? { queues: stats.lanes, batches: stats.batches } : {}),
  };
}

/** Waits for the runs this process drives to finish; what is left resumes on the next start. */
async function drainRuns(runtime: Runtime, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (runtime.orchestrator.activeRunCount > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
