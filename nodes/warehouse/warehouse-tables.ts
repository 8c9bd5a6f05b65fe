// The warehouse side of a sync: the shape of a table as it is now, and the DDL that changes it.
import type Database from 'better-sqlite3';
import { quoteIdentifier } from '../schema/example-values.ts';
import type { WarehouseTable } from './schema-changes.ts';
import type { SourceColumn } from './sync-source.ts';

/** The table named `name` (matched as SQLite does, case-insensitively), or undefined. */
export function readWarehouseTable(db: Database.Database, name: string): WarehouseTable | undefined {
  const actual = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`)
    .pluck()
    .get(name) as string | undefined;
  if (actual === undefined) return undefined;
  const info = db.pragma(`table_xinfo(${quoteIdentifier(actual)})`) as {
    name: string;
    type: string;
    pk: number;
    hidden: number;
  }[];
  return {
    name: actual,
    // Generated columns are computed by the warehouse, never written by the sync.
    columns: info.filter((column) => column.hidden === 0).map(({ name, type }) => ({ name, type })),
    primaryKey: info
      .filter((column) => column.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((column) => column.name),
  };
}

/** A new source column as ALTER TABLE can add it: type, NOT NULL and default kept. */
export function addColumnSql(table: string, column: SourceColumn): string {
  const parts = [quoteIdentifier(column.name), column.type];
  if (column.notNull) parts.push('NOT NULL');
  if (column.defaultSql !== null) parts.push(`DEFAULT ${column.defaultSql}`);
  return `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN ${parts.filter((part) => part !== '').join(' ')}`;
}
