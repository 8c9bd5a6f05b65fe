// Result rows for display: sorted by a column (numbers as numbers, empty cells last) and which
// columns are numeric enough to chart.
import type { Cell } from './answer.ts';

export type SortDirection = 'asc' | 'desc';

export function sortRows(rows: readonly Cell[][], column: number, direction: SortDirection): Cell[][] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const order = compareCells(a.row[column] ?? null, b.row[column] ?? null, sign);
      return order === 0 ? a.index - b.index : order;
    })
    .map(({ row }) => row);
}

function compareCells(a: Cell, b: Cell, sign: number): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * sign;
  return String(a).localeCompare(String(b), undefined, { numeric: true }) * sign;
}

/** Columns whose non-empty cells are all numbers (and at least one is). */
export function numericColumns(rows: readonly Cell[][], columnCount: number): number[] {
  const numeric: number[] = [];
  for (let column = 0; column < columnCount; column++) {
    const cells = rows.map((row) => row[column] ?? null).filter((cell) => cell !== null);
    if (cells.length > 0 && cells.every((cell) => typeof cell === 'number')) numeric.push(column);
  }
  return numeric;
}
