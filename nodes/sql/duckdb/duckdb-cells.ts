// Turns DuckDB values into JSON cells the vote and EX comparison read like SQLite's: integers as
// numbers (beyond 2^53 as strings), DECIMAL as numbers, dates and timestamps as their ISO text,
// BLOBs as `x'…'` hex strings, lists and structs as DuckDB writes them.
import { DuckDBBlobValue, DuckDBDecimalValue } from '@duckdb/node-api';
import type { Cell } from '../../types.ts';
import { encodeCell } from '../sandbox/encode-cell.ts';

export function duckdbCell(value: unknown): Cell {
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return encodeCell(Buffer.from(value.bytes));
  if (typeof value === 'boolean') return value;
  return encodeCell(value);
}
