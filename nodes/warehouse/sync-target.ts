// Where warehouse.sync writes: a SQLite file or a PostgreSQL connection. The copy itself
// (copy-table.ts) is the same for both; a target supplies the table shapes, the DDL in its own
// dialect, the row writer and the watermark table, all inside one transaction per table.
import type { WarehouseTable } from './schema-changes.ts';
import type { SqlValue } from './sql-value.ts';
import type { SourceColumn, SourceTable } from './sync-source.ts';
import type { SyncState } from './sync-state.ts';

export interface SyncTarget {
  /** The warehouse as reports name it: a file path or `connection:NAME` (never a URL). */
  readonly name: string;
  /** The table named `name` (case-insensitively), or undefined. */
  readTable(name: string): Promise<WarehouseTable | undefined>;
  /** The type this warehouse gives a source column (compared with the stored one on later syncs). */
  columnType(column: SourceColumn): string;
  /**
   * Runs `work` in one transaction that no other sync of `table` into this warehouse can enter;
   * commits when it resolves, rolls everything back (rows, DDL, watermark) when it throws.
   */
  transaction<T>(table: string, work: (tx: TargetTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a table's sync does inside its transaction. */
export interface TargetTransaction {
  readTable(name: string): Promise<WarehouseTable | undefined>;
  createTable(table: SourceTable): Promise<void>;
  addColumn(target: string, column: SourceColumn): Promise<void>;
  clearTable(target: string): Promise<void>;
  readState(source: string, table: string): Promise<SyncState | undefined>;
  writeState(source: string, table: string, state: SyncState): Promise<void>;
  /** Writes a batch of rows (upsert by key, else append); resolves to the rows inserted or changed. */
  rowWriter(target: string, table: SourceTable): (rows: readonly SqlValue[][]) => Promise<number>;
}
