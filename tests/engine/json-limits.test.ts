import { describe, expect, it } from 'vitest';
import { checkJsonDepth, jsonByteSize, MAX_JSON_DEPTH } from '../../engine/json-limits.ts';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { 'a b': value };
  return value;
}

describe('JSON depth', () => {
  it('accepts the limit and refuses one level more, naming the path', () => {
    expect(() => checkJsonDepth(nested(MAX_JSON_DEPTH), 'input')).not.toThrow();
    expect(() => checkJsonDepth(nested(MAX_JSON_DEPTH + 1), 'input')).toThrow(
      expect.objectContaining({
        code: 'JSON_TOO_DEEP',
        path: expect.stringMatching(/^input(\[0\]|\["a b"\])+$/),
      }),
    );
  });

  it('walks 300 000 levels without recursion', () => {
    expect(() => checkJsonDepth(nested(300_000), 'body')).toThrow(
      expect.objectContaining({ code: 'JSON_TOO_DEEP' }),
    );
  });

  it('names object keys in the path of a flow document', () => {
    expect(() => checkJsonDepth({ nodes: [{ params: nested(10) }] }, '', 5)).toThrow(
      expect.objectContaining({ path: 'nodes[0].params["a b"][0]' }),
    );
  });
});

describe('JSON byte size', () => {
  it('matches the encoded length of ordinary values', () => {
    const value = {
      n: 12.5,
      s: 'héllo',
      list: [1, null, true, false, 'x', { deep: [] }],
      skipped: undefined,
      when: new Date(0),
    };
    expect(jsonByteSize(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it('stops counting soon after the limit instead of walking everything', () => {
    const rows = Array.from({ length: 1_000 }, () => 'x'.repeat(10_000));
    const size = jsonByteSize(rows, 50_000);
    expect(size).toBeGreaterThan(50_000);
    expect(size).toBeLessThan(70_000);
  });
});
