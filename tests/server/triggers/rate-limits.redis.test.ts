// Webhook rate limits behind one interface: this process's buckets and Redis's (queue mode, one
// budget for every server on that Redis). Both keep the same token bucket; Redis's is atomic across
// concurrent takes, forgets idle buckets by TTL and answers 503 when Redis does not answer.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isR1flowError } from '../../../engine/errors.ts';
import { silentLogger } from '../../../engine/node-context.ts';
import { RateLimiter } from '../../../server/triggers/rate-limiter.ts';
import type { RateLimits } from '../../../server/triggers/rate-limits.ts';
import { RedisRateLimits } from '../../../server/triggers/redis-rate-limits.ts';
import { type RedisServer, startRedisServer } from '../../support/redis-server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.close();
});

const prefix = () => `test-${randomBytes(4).toString('hex')}`;
const kinds: [string, () => RateLimits][] = [
  ['memory', () => new RateLimiter()],
  ['redis', () => new RedisRateLimits(redis.url, silentLogger, prefix())],
];

describe.each(kinds)('%s rate limits', (_name, make) => {
  it('allow a burst of perMinute, then say how long until the next token', async () => {
    const limits = make();
    try {
      for (let i = 0; i < 3; i++) expect(await limits.take('hook:a', 3)).toBe(0);
      // One token every 20 s at 3 a minute; a refused take spends nothing.
      const wait = await limits.take('hook:a', 3);
      expect(wait).toBeGreaterThanOrEqual(19);
      expect(wait).toBeLessThanOrEqual(20);
      expect(await limits.take('hook:b', 3)).toBe(0);
    } finally {
      await limits.close?.();
    }
  });

  it('wait() reports without taking; an unknown key waits for nothing', async () => {
    const limits = make();
    try {
      expect(await limits.wait('k', 2)).toBe(0);
      expect(await limits.take('k', 2)).toBe(0);
      expect(await limits.wait('k', 2)).toBe(0);
      expect(await limits.wait('k', 2)).toBe(0);
      expect(await limits.take('k', 2)).toBe(0);
      expect(await limits.wait('k', 2)).toBeGreaterThanOrEqual(29);
      expect(await limits.wait('other', 2)).toBe(0);
    } finally {
      await limits.close?.();
    }
  });

  it('refill over time: at 60 a minute, a spent bucket has a token again after a second', async () => {
    const limits = make();
    try {
      for (let i = 0; i < 60; i++) expect(await limits.take('k', 60)).toBe(0);
      expect(await limits.take('k', 60)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await limits.take('k', 60)).toBe(0);
      expect(await limits.take('k', 60)).toBe(1);
    } finally {
      await limits.close?.();
    }
  });

  it('of many concurrent takes exactly perMinute are allowed', async () => {
    const limits = make();
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => limits.take('burst', 5)));
      expect(answers.filter((seconds) => seconds === 0)).toHaveLength(5);
    } finally {
      await limits.close?.();
    }
  });
});

describe('redis rate limits', () => {
  it('two limiters on one Redis and prefix spend one budget; another prefix has its own', async () => {
    const shared = prefix();
    const a = new RedisRateLimits(redis.url, silentLogger, shared);
    const b = new RedisRateLimits(redis.url, silentLogger, shared);
    const other = new RedisRateLimits(redis.url, silentLogger, prefix());
    try {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await (i % 2 === 0 ? a : b).take('hook:trg_1', 4));
      expect(answers.map((seconds) => seconds === 0)).toEqual([true, true, true, true, false, false]);
      expect(await other.take('hook:trg_1', 4)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('a bucket is kept under <prefix>:rate: only until it would be full again', async () => {
    const at = prefix();
    const limits = new RedisRateLimits(redis.url, silentLogger, at);
    const client = new Redis(redis.url);
    try {
      await limits.take('hook:trg_1', 6);
      // 1 of 6 tokens spent refills in 10 s; then the bucket is full, the same as absent.
      const ttl = await client.pttl(`${at}:rate:hook:trg_1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
      await limits.wait('hook:trg_2', 6);
      expect(await client.exists(`${at}:rate:hook:trg_2`)).toBe(0);
    } finally {
      await limits.close();
      client.disconnect();
    }
  });

  it('without an answer from Redis a take fails with REDIS_UNREACHABLE (503), not a hang', async () => {
    const limits = new RedisRateLimits(redis.url, silentLogger, prefix());
    try {
      expect(await limits.take('k', 10)).toBe(0);
      await redis.stop();
      const error = await limits.take('k', 10).catch((e: unknown) => e);
      expect(isR1flowError(error) && error.code).toBe('REDIS_UNREACHABLE');
    } finally {
      await redis.start();
      await limits.close();
    }
  });
});
