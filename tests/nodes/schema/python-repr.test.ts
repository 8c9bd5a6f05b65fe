import { describe, expect, it } from 'vitest';
import {
  formatPythonFloat,
  formatPythonList,
  formatPythonString,
} from '../../../nodes/schema/python-repr.ts';

describe("example values print as Python's repr", () => {
  it('quotes strings like Python: single quotes unless the text holds one and no double quote', () => {
    expect(formatPythonString('Raith Rovers')).toBe("'Raith Rovers'");
    expect(formatPythonString("Stark's Park")).toBe(`"Stark's Park"`);
    expect(formatPythonString(`It's "x"`)).toBe(`'It\\'s "x"'`);
    expect(formatPythonString('a\\b\nc\td')).toBe("'a\\\\b\\nc\\td'");
  });

  it('escapes control characters and keeps printable non-ASCII text', () => {
    expect(formatPythonString('\u0001\u007f')).toBe("'\\x01\\x7f'");
    expect(formatPythonString('Zürich – 東京')).toBe("'Zürich – 東京'");
    expect(formatPythonString('a\u00a0b\u200bc')).toBe("'a\\xa0b\\u200bc'");
  });

  it('prints floats with the shortest digits and Python’s exponent rules', () => {
    expect(formatPythonFloat(1982)).toBe('1982.0');
    expect(formatPythonFloat(0.1)).toBe('0.1');
    expect(formatPythonFloat(-2.5)).toBe('-2.5');
    expect(formatPythonFloat(1e16)).toBe('1e+16');
    expect(formatPythonFloat(1234567890123456)).toBe('1234567890123456.0');
    expect(formatPythonFloat(0.0001)).toBe('0.0001');
    expect(formatPythonFloat(0.00001)).toBe('1e-05');
    expect(formatPythonFloat(1.5e-7)).toBe('1.5e-07');
    expect(formatPythonFloat(-0)).toBe('-0.0');
    expect(formatPythonFloat(Number.POSITIVE_INFINITY)).toBe('inf');
  });

  it('keeps integers exact and bytes as b-strings, in a list repr', () => {
    expect(formatPythonList([1n, 9007199254740993n, 2.0, 'x', new Uint8Array([0x41, 0x00, 0x27])])).toBe(
      `[1, 9007199254740993, 2.0, 'x', b"A\\x00'"]`,
    );
    expect(formatPythonList([])).toBe('[]');
  });
});
