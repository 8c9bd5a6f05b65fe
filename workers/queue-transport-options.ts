// Options of the queue transport (the orchestrator's side of queue mode), compiled once into
// all-required values so the transport never re-checks them.
import type { Logger } from '../engine/define-node.ts';
import { silentLogger } from '../engine/node-context.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './job-payload.ts';
import { DEFAULT_PREFIX, type QueueKeys, queueKeys } from './queue-keys.ts';
import { parseRedisUrl } from './redis-connection.ts';

export interface QueueTransportOptions {
  /** `redis://host:port[/db]`. */
  redisUrl: string;
  /** Prefix of every Redis key; one store per prefix (its servers share it). Default `r1flow`. */
  prefix?: string;
  /** Largest JSON of one job's data, in bytes; bigger jobs fail with JOB_DATA_INVALID. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Longest wait for Redis in submit, cancel and reconcile before REDIS_UNREACHABLE, in ms. Default 10 000. */
  redisTimeoutMs?: number;
  /** How often node jobs failed by BullMQ (lost workers) are turned into results, in ms. Default 1000. */
  lostJobCheckMs?: number;
  /** How often in-flight jobs are checked to still exist in Redis, in ms (also after every reconnect). Default 30 000. */
  auditEveryMs?: number;
  /** How long after a reconnect to audit: time for workers to re-write their claims and post results held meanwhile, in ms. Default 3000. */
  reconnectAuditDelayMs?: number;
  /**
   * Which of these runs are finished or gone (a store lookup). Results of such runs that no
   * orchestrator took are deleted; without it they stay in the stream.
   */
  finishedRuns?: (runIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /** Age at which an untaken result is looked at, and how often, in ms. Default 60 000. */
  strayResultsAfterMs?: number;
  logger?: Logger;
}

export interface CompiledQueueTransportOptions {
  redisUrl: string;
  keys: QueueKeys;
  maxPayloadBytes: number;
  redisTimeoutMs: number;
  lostJobCheckMs: number;
  auditEveryMs: number;
  reconnectAuditDelayMs: number;
  finishedRuns: ((runIds: readonly string[]) => Promise<ReadonlySet<string>>) | undefined;
  strayResultsAfterMs: number;
  logger: Logger;
}

export function compileQueueTransportOptions(options: QueueTransportOptions): CompiledQueueTransportOptions {
  parseRedisUrl(options.redisUrl);
  return {
    redisUrl: options.redisUrl,
    keys: queueKeys(options.prefix ?? DEFAULT_PREFIX),
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES),
    redisTimeoutMs: positive('redisTimeoutMs', options.redisTimeoutMs ?? 10_000),
    lostJobCheckMs: positive('lostJobCheckMs', options.lostJobCheckMs ?? 1000),
    auditEveryMs: positive('auditEveryMs', options.auditEveryMs ?? 30_000),
    reconnectAuditDelayMs: positive('reconnectAuditDelayMs', options.reconnectAuditDelayMs ?? 3000),
    finishedRuns: options.finishedRuns,
    strayResultsAfterMs: positive('strayResultsAfterMs', options.strayResultsAfterMs ?? 60_000),
    logger: options.logger ?? silentLogger,
  };
}

export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a number > 0, got ${value}`);
  return value;
}
