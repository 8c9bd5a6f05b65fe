// A SQLite file as the sync's warehouse. BEGIN IMMEDIATE takes the write lock before the watermark
// is read, so two syncs of one warehouse cannot copy the same rows twice. Foreign keys are off on
// this connection: real data violates them (Spider's flight_2 fails foreign_key_check 2,400 times)
// and a copy must not be stricter than its source.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { quoteIdentifier } from '../schema/example-values.ts';
import type { SourceDialect } from './postgres-column-types.ts';
import { sqliteColumnType } from './postgres-column-types.ts';
import { resolveWarehousePath } from './resolve-warehouse.ts';
import type { SqlValue } from './sql-value.ts';
import type { SourceTable } from './sync-source.ts';
import { ensureSyncStateTable, readSyncState, writeSyncState } from './sync-state.ts';
import type { SyncTarget, TargetTransaction } from './sync-target.ts';
import { upsertClause } from './upsert-clause.ts';
import { addColumnSql, readWarehouseTable } from './warehouse-tables.ts';

export function openSqliteTarget(path: string, create: boolean, dialect: SourceDialect): SyncTarget {
  if (create && !existsSync(path)) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(create ? path : resolveWarehousePath(path));
  db.pragma('foreign_keys = OFF');
  const tx: TargetTransaction = {
    readTable: async (name) => readWarehouseTable(db, name),
    createTable: async (table) => {
      db.exec(table.createSql);
    },
    addColumn: async (target, column) => {
      db.exec(addColumnSql(target, { ...column, type: sqliteColumnType(column, dialect) }));
    },
    clearTable: async (target) => {
      db.exec(`DELETE FROM ${quoteIdentifier(target)}`);
    },
    readState: async (source, table) => readSyncState(db, source, table),
    writeState: async (source, table, state) => writeSyncState(db, source, table, state),
    rowWriter: (target, table) => {
      const write = prepareRowWriter(db, target, table);
      return async (rows) => rows.reduce((sum, values) => sum + write(values), 0);
    },
  };
  return {
    name: db.name,
    readTable: async (name) => readWarehouseTable(db, name),
    columnType: (column) => sqliteColumnType(column, dialect),
    async transaction(_table, work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        ensureSyncStateTable(db);
        const result = await work(tx);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    close: async () => {
      db.close();
    },
  };
}

/** Returns how many rows a source row inserted or changed (0 when the stored row is equal). */
function prepareRowWriter(
  db: Database.Database,
  target: string,
  table: SourceTable,
): (values: SqlValue[]) => number {
  const columns = table.columns.map((column) => quoteIdentifier(column.name));
  const upsert = table.mode !== 'replace' && table.primaryKey.length > 0;
  const statement = db.prepare(
    `INSERT INTO ${quoteIdentifier(target)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})` +
      (upsert ? upsertClause(target, table, 'IS NOT') : ''),
  );
  return (values) => statement.run(values).changes;
}
