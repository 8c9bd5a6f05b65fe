import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../server/triggers/rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then says how long until the next token', () => {
    const limiter = new RateLimiter();
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('k', 3, now)).toBe(0);
    expect(limiter.take('k', 3, now)).toBe(20);
    expect(limiter.take('k', 3, now + 20_000)).toBe(0);
  });

  it('wait() reports without taking; an unknown key waits for nothing', () => {
    const limiter = new RateLimiter();
    const now = 1_000_000;
    expect(limiter.wait('k', 2, now)).toBe(0);
    limiter.take('k', 2, now);
    expect(limiter.wait('k', 2, now)).toBe(0);
    limiter.take('k', 2, now);
    expect(limiter.wait('k', 2, now)).toBe(30);
    expect(limiter.wait('k', 2, now)).toBe(30);
    expect(limiter.wait('other', 2, now)).toBe(0);
  });

  it('dropping idle buckets when many addresses were seen keeps the ones still spent', () => {
    const limiter = new RateLimiter();
    const now = 1_000_000;
    limiter.take('spent', 1, now);
    for (let i = 0; i < 10_000; i++) limiter.take(`addr-${i}`, 60, now);
    // A second later every addr-* bucket is full again; a new key makes room by dropping them.
    limiter.take('new', 60, now + 1_000);
    expect(limiter.wait('spent', 1, now + 1_000)).toBe(59);
  });
});
