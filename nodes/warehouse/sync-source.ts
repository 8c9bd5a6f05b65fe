// What warehouse.sync reads from: a source lists its tables (shape, key, watermark, the CREATE
// TABLE a SQLite warehouse gets) and streams a table's rows past a watermark. File sources read
// synchronously, a PostgreSQL source page by page; the sync writes and yields between batches.
import type { SourceDialect } from './postgres-column-types.ts';
import type { SqlValue } from './sql-value.ts';

export interface SourceColumn {
  name: string;
  /** Declared type as written ('' for none). */
  type: string;
  notNull: boolean;
  /** The DEFAULT expression as SQL text, or null. */
  defaultSql: string | null;
  /** A CSV column without any value yet: any warehouse type accepts it. */
  typeUnknown: boolean;
}

/**
 * How new and changed rows are found: `watermark` reads rows whose watermark column grew (upsert
 * by key, else append); `full` reads every row and upserts by key (changed rows replace old ones);
 * `replace` empties the warehouse table and reloads it (no key, no watermark).
 */
export type SyncMode = 'watermark' | 'full' | 'replace';

export interface SourceTable {
  name: string;
  /** Columns the sync writes, in source order (generated columns left out). */
  columns: SourceColumn[];
  primaryKey: string[];
  /** The column that marks new rows (`rowid` for SQLite's default), or null. */
  watermark: string | null;
  mode: SyncMode;
  /** Creates the table in a SQLite warehouse (a PostgreSQL one builds its own from the columns). */
  createSql: string;
}

export interface SourceRow {
  values: SqlValue[];
  /** The row's watermark value (null without a watermark). */
  watermark: SqlValue;
}

export interface SyncSource {
  /** `sqlite:<absolute path>`, `csv:<absolute directory>` or `postgres:<connection>`: whose watermarks these are. */
  readonly id: string;
  /** Whose type names the columns carry. */
  readonly dialect: SourceDialect;
  /**
   * Whether rows arrive sorted by watermark (the source's own ORDER BY, its collation included):
   * then the last row's watermark is the new one; otherwise the greatest is taken.
   */
  readonly rowsInWatermarkOrder: boolean;
  /** Every table it offers, `_r1flow_*` and `sqlite_*` left out; reads CSV files once to type them. */
  listTables(): SourceTable[] | Promise<SourceTable[]>;
  /**
   * Rows whose watermark is past `after` (every row when `after` is null or the table has none).
   * A row whose watermark is NULL is only copied by a table's first sync.
   */
  readRows(table: SourceTable, after: SqlValue): Iterable<SourceRow> | AsyncIterable<SourceRow>;
  close(): void | Promise<void>;
}

/** Tables of r1flow's own (sync state) and of SQLite itself are never copied. */
export function isInternalTable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('_r1flow_') || lower.startsWith('sqlite_');
}

export function syncModeOf(watermark: string | null, primaryKey: readonly string[]): SyncMode {
  if (watermark !== null) return 'watermark';
  return primaryKey.length > 0 ? 'full' : 'replace';
}

/** A table's options, its name matched as SQLite matches names (case-insensitively). */
export function tableOptionsFor<T>(options: Readonly<Record<string, T>>, table: string): T | undefined {
  const lower = table.toLowerCase();
  const key = Object.keys(options).find((name) => name.toLowerCase() === lower);
  return key === undefined ? undefined : options[key];
}

/** The column of `columns` named `name` (case-insensitively), as the source spells it. */
export function findColumnName(columns: readonly { name: string }[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return columns.find((column) => column.name.toLowerCase() === lower)?.name;
}
