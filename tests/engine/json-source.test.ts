import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../engine/json-source.ts';

describe('reading JSON files', () => {
  it.each([
    ['{\n  "id": "x",\n  "nodes": [,]\n}\n', '3:13', 'unexpected ","'],
    ['{"a": 1,}', '1:9', 'unexpected "}"'],
    ['{"a": ', '1:7', 'unexpected end of input'],
    ['{"a": tru}', '1:10', 'unexpected "}"'],
    ['[1 2]', '1:4', 'unexpected "2"'],
  ])('malformed JSON %j is reported at line:column %s', (text, where, what) => {
    expect(() => parseJsonText(text, 'f.json')).toThrow(`f.json:${where}: malformed JSON (${what})`);
  });

  it('valid JSON parses', () => {
    expect(parseJsonText('{"a": [1, true, null, "x"]}', 'f.json')).toEqual({ a: [1, true, null, 'x'] });
  });
});
