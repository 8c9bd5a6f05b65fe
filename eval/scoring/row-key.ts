// Result cells and rows as strings that are equal exactly when Python's `==` (and hash) finds
// them equal, which is what test-suite's `result_eq` and SQL-R1's `frozenset(fetchall())` use:
// numbers compare by value (1, 1.0 and True are one key), a string never equals a number
// ('1' is not 1), NULL equals only NULL. Cells arrive as JSON values, so SQLite's INTEGER 1 and
// REAL 1.0 are already the same number here.
import type { Cell } from '../../nodes/types.ts';

export function cellKey(cell: Cell): string {
  if (cell === null) return 'null';
  if (typeof cell === 'string') return `s:${cell}`;
  // String() of a number round-trips and prints -0 as 0, so equal numbers share one key.
  return `n:${String(Number(cell))}`;
}

export function rowKey(row: readonly Cell[]): string {
  return JSON.stringify(row.map(cellKey));
}
