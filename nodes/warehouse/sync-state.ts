// Watermarks live in the warehouse itself, in `_r1flow_sync_state`, and are written in the same
// transaction as the rows they describe: a watermark can only advance together with its rows.
// Internal: schema indexing must skip tables named `_r1flow_*`.
import type Database from 'better-sqlite3';
import type { SqlValue } from './sql-value.ts';

export const SYNC_STATE_TABLE = '_r1flow_sync_state';

export interface SyncState {
  /** The column the value belongs to; null for tables read whole. */
  watermarkColumn: string | null;
  value: SqlValue;
  /** Rows copied into the table from this source over all syncs. */
  rowsCopied: number;
}

// `value` has no declared type so it keeps the watermark's own (integer, real or text).
const CREATE_STATE_TABLE = `CREATE TABLE IF NOT EXISTS ${SYNC_STATE_TABLE} (
  source TEXT NOT NULL,
  table_name TEXT NOT NULL,
  watermark_column TEXT,
  value,
  rows_copied INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, table_name)
)`;

export function ensureSyncStateTable(db: Database.Database): void {
  db.exec(CREATE_STATE_TABLE);
}

export function readSyncState(db: Database.Database, source: string, table: string): SyncState | undefined {
  const row = db
    .prepare(
      `SELECT watermark_column, value, rows_copied FROM ${SYNC_STATE_TABLE} WHERE source = ? AND table_name = ?`,
    )
    .safeIntegers(true)
    .get(source, table) as
    | { watermark_column: string | null; value: SqlValue; rows_copied: bigint }
    | undefined;
  return row === undefined
    ? undefined
    : { watermarkColumn: row.watermark_column, value: row.value, rowsCopied: Number(row.rows_copied) };
}

export function writeSyncState(db: Database.Database, source: string, table: string, state: SyncState): void {
  db.prepare(
    `INSERT INTO ${SYNC_STATE_TABLE} (source, table_name, watermark_column, value, rows_copied, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, table_name) DO UPDATE SET watermark_column = excluded.watermark_column,
       value = excluded.value, rows_copied = excluded.rows_copied, updated_at = excluded.updated_at`,
  ).run(source, table, state.watermarkColumn, state.value, state.rowsCopied, new Date().toISOString());
}
