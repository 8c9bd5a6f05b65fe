// A token bucket per key in this process: `perMinute` requests a minute on average, bursts up to the
// same number. Webhooks use it (through RateLimits) without Redis; sign-ins always, per server.
import type { RateLimits } from './rate-limits.ts';

/** Buckets kept before full (idle) ones are dropped; a full bucket is the same as none. */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
  perMinute: number;
}

export class RateLimiter implements RateLimits {
  readonly #buckets = new Map<string, Bucket>();

  /** Takes a token; returns 0 when allowed, else the seconds until one is free. */
  take(key: string, perMinute: number, now = Date.now()): number {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#dropFull(now);
      bucket = { tokens: perMinute, at: now, perMinute };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = level({ ...bucket, perMinute }, now);
    bucket.at = now;
    bucket.perMinute = perMinute;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return secondsUntilToken(bucket.tokens, perMinute);
  }

  /** Seconds until `key` has a token (0 when it has one now), taking nothing. */
  wait(key: string, perMinute: number, now = Date.now()): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return 0;
    const tokens = level({ ...bucket, perMinute }, now);
    return tokens >= 1 ? 0 : secondsUntilToken(tokens, perMinute);
  }

  #dropFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (level(bucket, now) >= bucket.perMinute) this.#buckets.delete(key);
    }
  }
}

function level(bucket: Bucket, now: number): number {
  return Math.min(bucket.perMinute, bucket.tokens + ((now - bucket.at) * bucket.perMinute) / 60_000);
}

function secondsUntilToken(tokens: number, perMinute: number): number {
  return Math.ceil(((1 - tokens) * 60_000) / perMinute / 1000);
}
