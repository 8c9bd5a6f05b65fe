// Turns PostgreSQL's text values into JSON cells that vote and compare like SQLite's, so equal
// answers from differently typed columns land in one cluster: integers as numbers when exact (else
// the exact text), NUMERIC as described at `numeric` below, floats as numbers, dates as
// 'YYYY-MM-DD', timestamps as 'YYYY-MM-DD HH:MM:SS[.ffffff]', timestamptz as ISO text in UTC,
// booleans as true/false (the vote's cell keys count them as 1 and 0, as Python does), bytea as
// x'…' hex, json and arrays as JSON text. Parsers are handed to each query (`types`), so pg's
// process-wide parsers stay as they are for every other user of pg.
import pg from 'pg';
import type { Cell } from '../../types.ts';
import { encodeCell } from '../sandbox/encode-cell.ts';

type TextParser = (text: string) => Cell;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const integer: TextParser = (text) => {
  const value = BigInt(text);
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : text;
};

/**
 * NUMERIC: a number when it prints back as the same decimal ('3.10' → 3.1). A fraction with more
 * digits than a double holds (PostgreSQL's division and AVG give at least 16 significant digits:
 * 100.0 * 61 / 1500 is 4.0666666666666667) is a rounded quotient already, so it becomes the nearest
 * double, the number SQLite's float arithmetic gives for the same query (4.066666666666666), as long
 * as the double keeps every digit of its integer part. Anything else (integers past 2^53, NaN, fractions of
 * huge amounts) stays exact text.
 */
const numeric: TextParser = (text) => {
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  if (sameDecimal(String(value), text)) return value;
  return isLongFraction(text) ? value : text;
};

/** Digits every double keeps exactly (DBL_DIG): an integer part this long survives the conversion. */
const DOUBLE_DIGITS = 15;

function isLongFraction(text: string): boolean {
  const match = /^[+-]?0*(\d*)\.(\d+)$/.exec(text);
  return match !== null && (match[1] ?? '').length <= DOUBLE_DIGITS && /[1-9]/.test(match[2] ?? '');
}

const float: TextParser = (text) => encodeCell(Number(text));

const bool: TextParser = (text) => text === 't';

const bytea: TextParser = (text) => encodeCell(pg.types.getTypeParser(17, 'text')(text));

/** '2024-01-02 03:04:05.5+02' (DateStyle ISO, any zone) → '2024-01-02T01:04:05.5Z', microseconds kept. */
const timestamptz: TextParser = (text) => {
  const match =
    /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(text);
  if (match === null) return text; // infinity, BC dates: kept as PostgreSQL wrote them
  const [, year, month, day, hour, minute, second, fraction = '', sign, oh, om = '0', os = '0'] = match;
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const utc = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) -
      offsetSeconds * 1000,
  );
  return `${utc.toISOString().slice(0, 19)}${fraction}Z`;
};

const json: TextParser = (text) => text;

const SCALARS = new Map<number, TextParser>([
  [20, integer], // int8
  [21, integer], // int2
  [23, integer], // int4
  [26, integer], // oid
  [1700, numeric],
  [700, float], // float4
  [701, float], // float8
  [16, bool],
  [17, bytea],
  [1184, timestamptz],
  [114, json],
  [3802, json], // jsonb
]);

/** Array type → element type, for the arrays answered as JSON text. */
const ARRAY_ELEMENTS = new Map<number, number>([
  [1005, 21],
  [1007, 23],
  [1016, 20],
  [1028, 26],
  [1231, 1700],
  [1021, 700],
  [1022, 701],
  [1000, 16],
  [1001, 17],
  [1009, 25],
  [1015, 1043],
  [1014, 1042],
  [1003, 19],
  [1182, 1082],
  [1115, 1114],
  [1185, 1184],
  [2951, 2950],
  [199, 114],
  [3807, 3802],
]);

// pg-types' declarations call arrayParser a function; it is the object of lib/arrayParser.js.
const arrays = pg.types.arrayParser as unknown as {
  create(source: string, transform: (entry: string) => unknown): { parse(): unknown[] };
};

function arrayOf(element: number): TextParser {
  const parse = SCALARS.get(element) ?? ((text: string) => text);
  const json = element === 114 || element === 3802;
  return (text) => {
    const value = arrays.create(text, (entry: string) => {
      const cell = parse(entry);
      return json && typeof cell === 'string' ? JSON.parse(cell) : cell;
    });
    return JSON.stringify(value.parse());
  };
}

const keepText: TextParser = (text) => text;

/** The parser of each column type: every column read as a cell. Results must come in text format. */
export const postgresCellTypes = {
  getTypeParser(oid: number): TextParser {
    const scalar = SCALARS.get(oid);
    if (scalar !== undefined) return scalar;
    const element = ARRAY_ELEMENTS.get(oid);
    // date, timestamp, time, text, uuid, enums, intervals…: PostgreSQL's text (DateStyle ISO) as is.
    return element === undefined ? keepText : arrayOf(element);
  },
};

/** Whether two decimal texts denote the same number: '3.10' and '3.1', '-0.50' and '-0.5'. */
function sameDecimal(printed: string, text: string): boolean {
  return normalizeDecimal(printed) === normalizeDecimal(text);
}

function normalizeDecimal(text: string): string {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const digits = `${whole.replace(/^0+(?=\d)/, '')}.${fraction.replace(/0+$/, '')}`.replace(/\.$/, '');
  return digits === '0' ? '0' : `${negative ? '-' : ''}${digits}`;
}
