import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../nodes/llm/request-json.ts';

const middle = () => 0.5;

describe("the model clients' retry delay", () => {
  it("is the engine's backoff when the server gave no Retry-After", () => {
    expect([1, 2, 3].map((retry) => retryDelayMs(500, retry, undefined, middle))).toEqual([500, 1000, 2000]);
  });

  it('waits for a longer Retry-After, up to a minute', () => {
    expect(retryDelayMs(500, 1, 5_000, middle)).toBe(5_000);
    expect(retryDelayMs(500, 1, 3_600_000, middle)).toBe(60_000);
  });

  it('keeps the backoff when Retry-After asks for less', () => {
    expect(retryDelayMs(500, 3, 1_000, middle)).toBe(2_000);
  });
});
