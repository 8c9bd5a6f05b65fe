// What re-indexing reads from a warehouse, whatever its engine: the tables in the warehouse's
// order, a fingerprint per table (equal fingerprints mean the index entry is still right) and the
// schema of the tables whose fingerprint changed. One reader serves one re-index, then is closed.
import Database from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import { introspectWarehouse, listWarehouseTables } from './introspect-warehouse.ts';
import type { SpiderDatabase } from './spider-metadata.ts';
import { fingerprintTable } from './table-fingerprint.ts';
import type { TableSchema } from './warehouse-schema.ts';

export interface WarehouseReader {
  /** Every table, in the warehouse's order. */
  listTables(): Promise<string[]>;
  /** A fingerprint per table of `tables`; `salt` carries the index settings. */
  fingerprints(tables: readonly string[], salt: string): Promise<Map<string, string>>;
  /** The schema of the tables in `only`, in the warehouse's order. */
  introspect(only: ReadonlySet<string>, examplesPerColumn: number): Promise<TableSchema[]>;
  close(): Promise<void>;
}

/** A SQLite file, opened read-only; a Spider tables.json entry replaces its own catalog. */
export function openSqliteReader(path: string, spider?: SpiderDatabase): WarehouseReader {
  const db = openSqliteWarehouse(path);
  return {
    listTables: async () => listWarehouseTables(db, spider),
    fingerprints: async (tables, salt) =>
      new Map(tables.map((name) => [name, fingerprintTable(db, name, salt)])),
    introspect: async (only, examplesPerColumn) =>
      introspectWarehouse(db, { examplesPerColumn, spider }, only).tables,
    close: async () => {
      db.close();
    },
  };
}

function openSqliteWarehouse(path: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `cannot open warehouse ${path}: ${(error as Error).message}`,
      {
        cause: error,
        data: { path },
      },
    );
  }
}
