// Python's `repr` of the values SQLite returns. SQL-R1 prints example values with Python's
// list repr (`['Paris', "Stark's Park", 1982.0]`); the model was trained on exactly that text.

/** A value read from SQLite, with integers exact (BigInt) and REALs kept apart from INTEGERs. */
export type SqliteValue = bigint | number | string | Uint8Array;

/** `repr(x)` for one value; `number` is a Python float, `bigint` a Python int. */
export function formatPythonValue(value: SqliteValue): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatPythonFloat(value);
  if (typeof value === 'string') return formatPythonString(value);
  return formatPythonBytes(value);
}

export function formatPythonList(values: readonly SqliteValue[]): string {
  return `[${values.map(formatPythonValue).join(', ')}]`;
}

/** Python switches to exponent notation when the decimal exponent is < -4 or >= 16. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest round-trip digits, as Python's repr does.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = placeDecimalPoint(mantissa, exponent);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

function placeDecimalPoint(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exponent + 1;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

// Python prints a character as-is when str.isprintable() holds: not in categories C* or Z*,
// except the plain space.
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

export function formatPythonString(value: string): string {
  return quotePython([...value], (char) =>
    char !== ' ' && NON_PRINTABLE.test(char) ? escapeCodePoint(char.codePointAt(0) ?? 0) : undefined,
  );
}

function formatPythonBytes(value: Uint8Array): string {
  const chars = [...value].map((byte) => String.fromCharCode(byte));
  return `b${quotePython(chars, (char) => (char < ' ' || char > '~' ? escapeCodePoint(char.charCodeAt(0)) : undefined))}`;
}

/** Python's quoting: single quotes unless the text has a single quote and no double quote. */
function quotePython(chars: readonly string[], escapeOther: (char: string) => string | undefined): string {
  const quote = chars.includes("'") && !chars.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of chars) {
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else out += escapeOther(char) ?? char;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${hex(code, 2)}`;
  if (code < 0x10000) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
