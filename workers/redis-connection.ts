// Redis connections for queue mode. Every connection retries forever (`maxRetriesPerRequest: null`,
// which BullMQ needs and which makes a brief Redis outage invisible), so every wait that a caller
// must not hang on goes through `withDeadline` and fails with REDIS_UNREACHABLE instead.
import { Redis } from 'ioredis';
import type { Logger } from '../engine/define-node.ts';
import { R1flowError } from '../engine/errors.ts';

/** Reconnect delays grow to at most this, in ms. */
const MAX_RECONNECT_DELAY_MS = 2000;

export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new R1flowError('CONFIG_INVALID', `"${url}" is not a Redis URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new R1flowError('CONFIG_INVALID', `"${url}" is not a Redis URL (expected redis://host:port)`);
  }
  return parsed;
}

/** The URL without its password, for logs and health lines. */
export function redactRedisUrl(url: string): string {
  const parsed = parseRedisUrl(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export interface OpenRedisOptions {
  /** Runs on every (re)connect, e.g. to re-check in-flight jobs after a Redis restart. */
  onReady?: () => void;
  /** Sends the commands issued in one event-loop turn as one pipeline (one round trip). */
  autoPipelining?: boolean;
}

/** A connection that logs each outage once (not every reconnect attempt) and its recovery. */
export function openRedis(url: string, name: string, logger: Logger, options: OpenRedisOptions = {}): Redis {
  parseRedisUrl(url);
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: `r1flow-${name}`,
    retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unreachable at ${redactRedisUrl(url)} (${name}); retrying`, { error: error.message });
  });
  redis.on('ready', () => {
    if (down) logger.info(`Redis reachable again at ${redactRedisUrl(url)} (${name})`);
    down = false;
    options.onReady?.();
  });
  return redis;
}

/** Resolves once the connection is ready; fails with REDIS_UNREACHABLE after `timeoutMs`. */
export function waitForRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  let lastError = '';
  const onError = (error: Error) => {
    lastError = error.message;
  };
  redis.on('error', onError);
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  return withDeadline(ready, timeoutMs, () =>
    unreachable(url, `no connection within ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}`),
  ).finally(() => redis.off('error', onError));
}

export function unreachable(url: string, detail: string): R1flowError {
  return new R1flowError('REDIS_UNREACHABLE', `Redis unreachable at ${redactRedisUrl(url)}: ${detail}`, {
    retryable: true,
  });
}

/** `promise`, or the error from `onTimeout` once `ms` have passed (the promise itself is not stopped). */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Waits for `promise` at most `ms`; false when it failed or took longer. For shutdown, when Redis may be gone. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withDeadline(promise, ms, () => new Error(`not settled within ${ms} ms`));
    return true;
  } catch {
    return false;
  }
}

/** `promise`'s value, or undefined when it failed or took longer than `ms`. */
export async function settleOr<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  try {
    return await withDeadline(promise, ms, () => new Error(`not settled within ${ms} ms`));
  } catch {
    return undefined;
  }
}

export interface RedisPersistence {
  /** `aof` (appendonly yes), `rdb` (snapshots only: a restart loses the writes since the last one), `none`, or `unknown` (CONFIG refused, as on some managed services). */
  mode: 'aof' | 'rdb' | 'none' | 'unknown';
  /** Set when a Redis restart would lose queued jobs, results and schedules. */
  warning?: string;
}

/** How Redis keeps its data across a restart, from CONFIG GET appendonly / save. */
export async function redisPersistence(redis: Redis): Promise<RedisPersistence> {
  let config: string[];
  try {
    config = [
      ...((await redis.config('GET', 'appendonly')) as string[]),
      ...((await redis.config('GET', 'save')) as string[]),
    ];
  } catch {
    return { mode: 'unknown' };
  }
  const value = (name: string) => config[config.indexOf(name) + 1] ?? '';
  if (value('appendonly') === 'yes') return { mode: 'aof' };
  if (value('save').trim() !== '') {
    return {
      mode: 'rdb',
      warning:
        'Redis saves snapshots only (appendonly no): a Redis restart loses the jobs, results and schedules written since the last snapshot; set appendonly yes',
    };
  }
  return {
    mode: 'none',
    warning:
      'Redis has no persistence (appendonly no, no save points): a Redis restart loses queued jobs, results and schedules (r1flow queues lost jobs and schedules again, but nodes may re-run); set appendonly yes',
  };
}

/** Closes a connection: QUIT when Redis answers in time, otherwise drop the socket. */
export async function closeRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await withDeadline(redis.quit(), timeoutMs, () => new Error('quit timed out'));
  } catch {
    redis.disconnect();
  }
}

export const REDIS_URL_ENV = 'R1FLOW_REDIS_URL';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `--redis`, then R1FLOW_REDIS_URL, then Redis's default port on this host. */
export function resolveRedisUrl(flag: string | undefined): string {
  const url = flag ?? process.env[REDIS_URL_ENV] ?? DEFAULT_REDIS_URL;
  parseRedisUrl(url);
  return url;
}
