// Example values for a column, by SQL-R1's rules (`sample_table_values` + `obtain_db_details`):
// the first `limit` distinct values that are neither NULL nor '', strings cut to 40 characters,
// then duplicates (after the cut) dropped. Written as Python literals for the prompt.
import type Database from 'better-sqlite3';
import type { SqliteValue } from './python-repr.ts';
import { formatPythonValue } from './python-repr.ts';

const MAX_STRING_CHARS = 40;

export function readExampleValues(
  db: Database.Database,
  table: string,
  column: string,
  limit: number,
): string[] {
  if (limit <= 0) return [];
  const col = quoteIdentifier(column);
  const statement = db
    .prepare(
      `SELECT ${col} FROM (SELECT DISTINCT ${col} FROM ${quoteIdentifier(table)} ` +
        `WHERE ${col} IS NOT NULL AND ${col} != '') LIMIT ?`,
    )
    .raw(true)
    // BigInt for INTEGER keeps 1 (int) and 1.0 (REAL) apart, as Python prints them differently.
    .safeIntegers(true);
  const values = (statement.all(limit) as SqliteValue[][]).map(([value]) => truncate(value as SqliteValue));
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const value of values) {
    const key = pythonEqualityKey(value);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(formatPythonValue(value));
  }
  return unique;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function truncate(value: SqliteValue): SqliteValue {
  if (typeof value !== 'string') return value;
  const chars = [...value];
  return chars.length > MAX_STRING_CHARS ? chars.slice(0, MAX_STRING_CHARS).join('') : value;
}

/** Python's dict.fromkeys treats 1 and 1.0 as the same key; strings and bytes are their own kinds. */
function pythonEqualityKey(value: SqliteValue): string {
  if (typeof value === 'bigint') return `n:${value}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `n:${BigInt(value)}` : `n:${value}`;
  if (typeof value === 'string') return `s:${value}`;
  return `b:${Buffer.from(value).toString('hex')}`;
}
