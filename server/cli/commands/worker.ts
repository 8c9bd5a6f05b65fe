// `r1flow worker`: a queue-mode worker process. It runs node jobs of the given lanes from Redis
// until SIGINT or SIGTERM, then finishes (or hands back) its running jobs and exits.
import type { Lane } from '../../../engine/define-node.ts';
import { LANES } from '../../../engine/define-node.ts';
import { environmentSettings } from '../../../engine/host-settings.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { DEFAULT_PREFIX } from '../../../workers/queue-keys.ts';
import { DEFAULT_BATCHING } from '../../../workers/queue-worker-options.ts';
import { resolveRedisUrl } from '../../../workers/redis-connection.ts';
import { startQueueWorker } from '../../../workers/start-worker.ts';
import { workerConnectionLookup } from '../../connections/cli-connection-lookup.ts';
import { loadNodeRegistry } from '../../runtime/node-plugins.ts';
import { defineCommand } from '../command.ts';
import { logFormatFlag, parseFlags, parseIntegerFlag, processLogger, storeFlags } from '../options.ts';

const usage = `worker [--redis URL] [--lanes ${LANES.join(',')}] [--concurrency N] [--max-batch-size ${DEFAULT_BATCHING.maxBatchSize}]
                     [--max-wait-ms ${DEFAULT_BATCHING.maxWaitMs}] [--max-in-flight-batches ${DEFAULT_BATCHING.maxInFlightBatches}] [--prefix ${DEFAULT_PREFIX}]
                     [--lock-duration-ms 30000] [--stalled-interval-ms 15000] [--shutdown-grace-ms 10000]
                     [--store PATH|URL]

  --redis URL     Redis to take jobs from (default R1FLOW_REDIS_URL or redis://127.0.0.1:6379)
  --lanes         which node lanes to run (default all); e.g. llm on the GPU host, sql,cpu beside the warehouse
  --concurrency   unbatched jobs at once per lane (default cpu 16, sql 4, llm 4, io 16)
  --max-batch-size, --max-wait-ms, --max-in-flight-batches
                  batching of runBatch nodes (llm.generate): batch weight in samples, wait for company, batches at once
  --store PATH|URL
                  the store whose named connections nodes may use, R1FLOW_STORE: the SQLite file or
                  postgres:// URL \`r1flow start\` uses, opened with the same R1FLOW_SECRET_KEY (or, for a
                  file, the secret.key beside it); without it, a node asking for a connection fails
                  saying so. --db and R1FLOW_DB are its older names
  --log-format    pretty or json (default: pretty on a terminal, JSON lines otherwise)`;

export default defineCommand({
  name: 'worker',
  summary: 'Run node jobs from Redis (queue mode)',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        ...logFormatFlag,
        ...storeFlags,
        redis: { type: 'string' },
        lanes: { type: 'string' },
        concurrency: { type: 'string' },
        prefix: { type: 'string' },
        'max-batch-size': { type: 'string' },
        'max-wait-ms': { type: 'string' },
        'max-in-flight-batches': { type: 'string' },
        'lock-duration-ms': { type: 'string' },
        'stalled-interval-ms': { type: 'string' },
        'shutdown-grace-ms': { type: 'string' },
      },
      usage,
    );
    const integer = (name: keyof typeof values, fallback: number, min = 1) =>
      parseIntegerFlag(values[name] as string | undefined, name, fallback, min);
    const logger = processLogger('worker', values['log-format']);
    const resources = new ResourcePool();
    const connections = workerConnectionLookup(values);
    const worker = await startQueueWorker({
      redisUrl: resolveRedisUrl(values.redis),
      prefix: values.prefix ?? DEFAULT_PREFIX,
      lanes: (values.lanes ?? LANES.join(',')).split(',').map((lane) => lane.trim() as Lane),
      ...(values.concurrency === undefined ? {} : { concurrency: integer('concurrency', 1) }),
      registry: await loadNodeRegistry(),
      resources,
      batching: {
        maxBatchSize: integer('max-batch-size', DEFAULT_BATCHING.maxBatchSize),
        maxWaitMs: integer('max-wait-ms', DEFAULT_BATCHING.maxWaitMs, 0),
        maxInFlightBatches: integer('max-in-flight-batches', DEFAULT_BATCHING.maxInFlightBatches),
      },
      lockDurationMs: integer('lock-duration-ms', 30_000),
      stalledIntervalMs: integer('stalled-interval-ms', 15_000),
      shutdownGraceMs: integer('shutdown-grace-ms', 10_000),
      settings: { ...environmentSettings, connection: connections.lookup },
      logger,
    });
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info(`${signal} received`);
    await worker.close();
    await resources.disposeAll();
    await connections.close();
    return 0;
  },
});
