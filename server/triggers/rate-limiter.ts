// A token bucket per key: `perMinute` requests a minute on average, bursts up to the same number.

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token; returns 0 when allowed, else the seconds until one is free. */
  take(key: string, perMinute: number, now = Date.now()): number {
    const refillPerMs = perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
  }
}
