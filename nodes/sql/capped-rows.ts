// Collects a query's rows up to a row cap and a byte cap (rows as JSON), the same way for every
// warehouse: reading stops at the first row past either cap, and the result says which cap cut it.
import type { Cell } from '../types.ts';
import type { ChildOutcome } from './sandbox/sql-outcome.ts';

export class CappedRows {
  readonly #maxRows: number;
  readonly #maxBytes: number;
  readonly #rows: Cell[][] = [];
  #bytes = 0;
  #truncatedBy: 'rows' | 'bytes' | undefined;

  constructor(maxRows: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#maxRows = maxRows;
    this.#maxBytes = maxBytes;
  }

  /** Keeps the row when it fits; false once a cap is reached (stop reading). */
  add(cells: Cell[]): boolean {
    if (this.#truncatedBy !== undefined) return false;
    if (this.#rows.length === this.#maxRows) {
      this.#truncatedBy = 'rows';
      return false;
    }
    this.#bytes += jsonBytes(cells, this.#maxBytes);
    if (this.#bytes > this.#maxBytes) {
      this.#truncatedBy = 'bytes';
      return false;
    }
    this.#rows.push(cells);
    return true;
  }

  outcome(columns: string[]): ChildOutcome {
    const truncatedBy = this.#truncatedBy;
    const cut = truncatedBy === undefined ? {} : { truncatedBy };
    const rows = this.#rows;
    return {
      status: 'ok',
      columns,
      rows,
      rowCount: rows.length,
      truncated: truncatedBy !== undefined,
      ...cut,
    };
  }
}

/** Size of `cells` as JSON, or anything above `cap` without serialising a cell longer than the cap. */
function jsonBytes(cells: Cell[], cap: number): number {
  if (cells.some((cell) => typeof cell === 'string' && cell.length > cap)) return cap + 1;
  return Buffer.byteLength(JSON.stringify(cells));
}
