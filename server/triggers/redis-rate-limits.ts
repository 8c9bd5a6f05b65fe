// Webhook rate limits in Redis (queue mode): one token bucket per key, as a hash of its level and
// when it was last set, read and updated by one Lua script so that concurrent takes from several
// servers never spend the same token twice. Time is Redis's own (TIME), so servers whose clocks
// disagree still agree on a bucket. A bucket expires once it would be full again: an absent
// bucket is a full one, so idle keys cost no memory.
import type { Redis } from 'ioredis';
import type { Logger } from '../../engine/define-node.ts';
import { DEFAULT_PREFIX } from '../../workers/queue-keys.ts';
import { closeRedis, openRedis, unreachable, withDeadline } from '../../workers/redis-connection.ts';
import type { RateLimits } from './rate-limits.ts';

const REDIS_TIMEOUT_MS = 2000;

// KEYS[1]: the bucket. ARGV[1]: perMinute. ARGV[2]: '1' to take a token, '0' to only look.
// Returns 0 when a token is (or was taken) there, else whole seconds until one is.
const TAKE = `
local rate = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local kept = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = rate
if kept[1] then
  tokens = math.min(rate, tonumber(kept[1]) + (now - tonumber(kept[2])) * rate / 60000)
end
if tokens < 1 then return math.ceil((1 - tokens) * 60000 / rate / 1000) end
if ARGV[2] == '1' then
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((rate - tokens) * 60000 / rate))
end
return 0`;

export class RedisRateLimits implements RateLimits {
  readonly #redis: Redis;
  readonly #redisUrl: string;
  readonly #prefix: string;

  /** Limits on their own connection, closed with the server; keys under `<prefix>:rate:`. */
  constructor(redisUrl: string, logger: Logger, prefix = DEFAULT_PREFIX) {
    this.#redisUrl = redisUrl;
    this.#redis = openRedis(redisUrl, 'webhook-rates', logger);
    this.#prefix = `${prefix}:rate:`;
  }

  take(key: string, perMinute: number): Promise<number> {
    return this.#run(key, perMinute, '1');
  }

  wait(key: string, perMinute: number): Promise<number> {
    return this.#run(key, perMinute, '0');
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }

  async #run(key: string, perMinute: number, take: '0' | '1'): Promise<number> {
    // Without an answer the call cannot be counted: 503 (REDIS_UNREACHABLE), the sender retries.
    const seconds = await withDeadline(
      this.#redis.eval(TAKE, 1, `${this.#prefix}${key}`, perMinute, take),
      REDIS_TIMEOUT_MS,
      () => unreachable(this.#redisUrl, `could not check a webhook rate limit within ${REDIS_TIMEOUT_MS} ms`),
    );
    return Number(seconds);
  }
}
