import { describe, expect, it } from 'vitest';
import { formatCost, formatTokens } from '../../editor/src/run/format-cost.ts';

describe('formatCost', () => {
  it('reads tokens in → out, model and SQL time and rows, leaving out what is zero', () => {
    expect(formatCost({ tokensIn: 1840, tokensOut: 312, modelMs: 2400, sqlMs: 35, rows: 12 })).toBe(
      '1,840 → 312 tokens · model 2.4 s · SQL 35 ms · 12 rows',
    );
    expect(formatCost({ tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 4, rows: 1 })).toBe('SQL 4 ms · 1 row');
    expect(formatCost(null)).toBe('');
  });

  it('shortens the tokens for the runs list', () => {
    expect(formatTokens({ tokensIn: 500, tokensOut: 120, modelMs: 0, sqlMs: 0, rows: 0 })).toBe('620 tokens');
    expect(formatTokens({ tokensIn: 1500, tokensOut: 140, modelMs: 0, sqlMs: 0, rows: 0 })).toBe(
      '1.6k tokens',
    );
    expect(formatTokens({ tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 9, rows: 3 })).toBe('');
  });
});
