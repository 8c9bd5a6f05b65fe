// Column types of a CSV file, read from its values, and the values converted to match. Every
// non-empty value of a column is looked at: all integers → INTEGER, all numbers → REAL, anything
// else → TEXT. Values with leading zeros ("007", "02134") are TEXT so codes and ZIPs keep their
// zeros; integers beyond 64 bits are REAL, as SQLite itself reads such literals. An empty field,
// quoted or not, is NULL (CSV cannot tell an empty string from a missing value). A column with no
// values has no declared type yet, so whatever it holds later fits it.
import type { SqlValue } from './sql-value.ts';

export type CsvColumnType = 'INTEGER' | 'REAL' | 'TEXT' | '';

const INTEGER = /^[+-]?(?:0|[1-9]\d*)$/;
const REAL = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 18 digits always fit 64 bits. */
const SURELY_INT64_CHARS = 18;
const WIDER: Record<CsvColumnType, number> = { '': 0, INTEGER: 1, REAL: 2, TEXT: 3 };

/** The narrowest type that holds `value`; '' for an empty field. */
export function csvValueType(value: string): CsvColumnType {
  if (value === '') return '';
  if (INTEGER.test(value)) {
    if (value.length <= SURELY_INT64_CHARS) return 'INTEGER';
    const big = BigInt(value);
    return big >= INT64_MIN && big <= INT64_MAX ? 'INTEGER' : 'REAL';
  }
  return REAL.test(value) && Number.isFinite(Number(value)) ? 'REAL' : 'TEXT';
}

/** The type that holds both. */
export function widenCsvType(a: CsvColumnType, b: CsvColumnType): CsvColumnType {
  return WIDER[a] >= WIDER[b] ? a : b;
}

/** The value as the column stores it; a value that does not fit its type stays text. */
export function convertCsvValue(value: string, type: CsvColumnType): SqlValue {
  if (value === '') return null;
  const own = csvValueType(value);
  const target = type === '' ? own : type;
  if (own === 'TEXT' || target === 'TEXT' || WIDER[own] > WIDER[target]) return value;
  if (own === 'REAL') return Number(value);
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}
