// Options of a queue-mode worker process, compiled once into all-required values.
import type { Lane, Logger } from '../engine/define-node.ts';
import { LANES } from '../engine/define-node.ts';
import { R1flowError } from '../engine/errors.ts';
import type { HostSettings } from '../engine/host-settings.ts';
import { environmentSettings } from '../engine/host-settings.ts';
import { silentLogger } from '../engine/node-context.ts';
import type { NodeRegistry } from '../engine/registry.ts';
import type { ResourceScope } from '../engine/resources.ts';
import { DEFAULT_LANE_OPTIONS } from '../engine/transports/lane-options.ts';
import type { BatchingOptions } from './batch-runner.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './job-payload.ts';
import { DEFAULT_PREFIX, type QueueKeys, queueKeys } from './queue-keys.ts';
import { positive } from './queue-transport-options.ts';
import { parseRedisUrl } from './redis-connection.ts';

export interface QueueWorkerOptions {
  /** `redis://host:port[/db]`. */
  redisUrl: string;
  /** Prefix of every Redis key; must match the orchestrator's. Default `r1flow`. */
  prefix?: string;
  /** Lanes whose node jobs this worker runs. */
  lanes: readonly Lane[];
  /** Unbatched node jobs running at once, per lane. Default: the lane's default (cpu 16, sql 4, llm 4, io 16). */
  concurrency?: number;
  registry: NodeRegistry;
  /** Per-process resources for the nodes (SQL pools, model clients); the caller disposes them. */
  resources: ResourceScope;
  /** For runBatch nodes: defaults maxBatchSize 64, maxWaitMs 20, maxInFlightBatches 2. */
  batching?: Partial<BatchingOptions>;
  /** How long a worker's claim on a running job lasts without renewal, in ms. Default 30 000. */
  lockDurationMs?: number;
  /** How often jobs of dead workers are looked for, in ms. Default 15 000. */
  stalledIntervalMs?: number;
  /** Largest JSON of one result, in bytes; bigger outputs fail with NODE_BAD_OUTPUT. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** How long `close` lets running jobs finish before handing them back to the queue, in ms. Default 10 000. */
  shutdownGraceMs?: number;
  /** How long start waits for an unreachable Redis before failing with REDIS_UNREACHABLE, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** The host's settings and secrets nodes see; the process environment when not given. */
  settings?: HostSettings;
  logger?: Logger;
}

export interface CompiledQueueWorkerOptions {
  redisUrl: string;
  keys: QueueKeys;
  lanes: Lane[];
  concurrency: Record<Lane, number>;
  registry: NodeRegistry;
  resources: ResourceScope;
  batching: BatchingOptions;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxPayloadBytes: number;
  shutdownGraceMs: number;
  connectTimeoutMs: number;
  settings: HostSettings;
  logger: Logger;
}

export const DEFAULT_BATCHING: Readonly<BatchingOptions> = {
  maxBatchSize: 64,
  maxWaitMs: 20,
  maxInFlightBatches: 2,
};

export function compileQueueWorkerOptions(options: QueueWorkerOptions): CompiledQueueWorkerOptions {
  parseRedisUrl(options.redisUrl);
  const lanes = [...new Set(options.lanes)];
  const unknown = lanes.filter((lane) => !LANES.includes(lane));
  if (lanes.length === 0 || unknown.length > 0) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `lanes must be some of ${LANES.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  const concurrency = {} as Record<Lane, number>;
  for (const lane of LANES) {
    concurrency[lane] = positive(
      'concurrency',
      options.concurrency ?? DEFAULT_LANE_OPTIONS[lane].concurrency,
    );
  }
  const batching = { ...DEFAULT_BATCHING, ...options.batching };
  positive('maxBatchSize', batching.maxBatchSize);
  positive('maxInFlightBatches', batching.maxInFlightBatches);
  if (!(batching.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${batching.maxWaitMs}`);
  return {
    redisUrl: options.redisUrl,
    keys: queueKeys(options.prefix ?? DEFAULT_PREFIX),
    lanes,
    concurrency,
    registry: options.registry,
    resources: options.resources,
    batching,
    lockDurationMs: positive('lockDurationMs', options.lockDurationMs ?? 30_000),
    stalledIntervalMs: positive('stalledIntervalMs', options.stalledIntervalMs ?? 15_000),
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES),
    shutdownGraceMs: positive('shutdownGraceMs', options.shutdownGraceMs ?? 10_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? 10_000),
    settings: options.settings ?? environmentSettings,
    logger: options.logger ?? silentLogger,
  };
}
