import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../engine/backoff.ts';

const lowest = () => 0;
const middle = () => 0.5;
const highest = () => 1;

describe('backoffDelayMs', () => {
  it('starts at the base delay and doubles with each retry', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(100, retry, middle))).toEqual([100, 200, 400, 800]);
  });

  it('jitters by 25 % either way around the nominal delay', () => {
    expect(backoffDelayMs(400, 2, lowest)).toBe(600);
    expect(backoffDelayMs(400, 2, highest)).toBe(1000);
  });

  it('treats retry 0 or less as the first retry', () => {
    expect(backoffDelayMs(100, 0, middle)).toBe(100);
    expect(backoffDelayMs(100, -3, middle)).toBe(100);
  });

  it('spreads callers that failed together instead of retrying them in lockstep', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(1000, 1)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1250);
    }
  });
});
