// A result table: click a header to sort by it (again to reverse); long results are capped.
import { useMemo, useState } from 'react';
import type { Cell } from '../run/answer.ts';
import { type SortDirection, sortRows } from '../run/table-rows.ts';

const SHOWN_ROWS = 100;

interface RowsTableProps {
  columns: string[];
  rows: Cell[][];
  /** The server kept only part of the result. */
  truncated?: boolean;
}

export function RowsTable({ columns, rows, truncated }: RowsTableProps) {
  const [sort, setSort] = useState<{ column: number; direction: SortDirection } | null>(null);
  const sorted = useMemo(() => (sort ? sortRows(rows, sort.column, sort.direction) : rows), [rows, sort]);
  const shown = sorted.slice(0, SHOWN_ROWS);
  const toggle = (column: number) =>
    setSort((current) =>
      current?.column === column
        ? { column, direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: 'asc' },
    );
  return (
    <div className="rows-table-wrap">
      <table className="rows-table" data-testid="answer-table">
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th
                key={`${column}-${index.toString()}`}
                aria-sort={
                  sort?.column === index ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
                }
              >
                <button type="button" onClick={() => toggle(index)} data-testid={`sort-${index}`}>
                  {column}
                  {sort?.column === index ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, rowIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity; the order is the display order
            <tr key={rowIndex}>
              {columns.map((column, index) => (
                <td
                  key={`${column}-${index.toString()}`}
                  className={typeof row[index] === 'number' ? 'num' : ''}
                >
                  {row[index] === null || row[index] === undefined ? (
                    <span className="muted">NULL</span>
                  ) : (
                    String(row[index])
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="answer-row-count">
        {rows.length > SHOWN_ROWS
          ? `Showing ${SHOWN_ROWS} of ${rows.length} rows`
          : `${rows.length} row${rows.length === 1 ? '' : 's'}`}
        {truncated ? ' (the server cut the result at its row cap)' : ''}
      </p>
    </div>
  );
}
