// A SQLite file as a sync source, opened read-only. Tables are created in the warehouse with the
// source's own CREATE TABLE (keys, foreign keys, checks and defaults kept, so schema.retrieve
// renders the same PK/FK lines). The default watermark is the rowid, which grows with every
// insert but not on UPDATE: name an `updated_at`-like column to see changed rows too. Integers
// are read as BigInt so large ids copy exactly.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import { quoteIdentifier } from '../schema/example-values.ts';
import type { SqlValue } from './sql-value.ts';
import type { SqliteSourceSpec } from './sync-params.ts';
import type { SourceRow, SourceTable, SyncSource } from './sync-source.ts';
import { findColumnName, isInternalTable, syncModeOf, tableOptionsFor } from './sync-source.ts';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  /** 0 plain, 1 hidden (virtual tables), 2 and 3 generated. */
  hidden: number;
}

const ROWID = 'rowid';

export function openSqliteSource(spec: SqliteSourceSpec): SyncSource {
  const path = resolve(spec.path);
  if (!existsSync(path)) {
    throw new R1flowError('SYNC_SOURCE_MISSING', `the sync source ${path} does not exist`, {
      data: { path },
    });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    db?.close();
    throw new R1flowError(
      'SYNC_SOURCE_MISSING',
      `the sync source ${path} is not a readable SQLite database: ${(error as Error).message}`,
      { data: { path }, cause: error },
    );
  }
  const source = db;
  return {
    id: `sqlite:${path}`,
    dialect: 'sqlite',
    rowsInWatermarkOrder: true,
    listTables: () => listSqliteTables(source, spec),
    readRows: (table, after) => readSqliteRows(source, table, after),
    close: () => {
      source.close();
    },
  };
}

function listSqliteTables(db: Database.Database, spec: SqliteSourceSpec): SourceTable[] {
  // table_list tells plain tables from virtual and shadow ones; sqlite_schema gives order and DDL.
  const kinds = new Map(
    (db.pragma('table_list') as { schema: string; name: string; type: string; wr: number }[])
      .filter((entry) => entry.schema === 'main')
      .map((entry) => [entry.name, entry]),
  );
  const tables = db
    .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY rowid`)
    .all() as { name: string; sql: string }[];
  return tables
    .filter(({ name }) => kinds.get(name)?.type === 'table' && !isInternalTable(name))
    .map(({ name, sql }) => describeTable(db, name, sql, kinds.get(name)?.wr === 1, spec));
}

function describeTable(
  db: Database.Database,
  name: string,
  createSql: string,
  withoutRowid: boolean,
  spec: SqliteSourceSpec,
): SourceTable {
  const info = db.pragma(`table_xinfo(${quoteIdentifier(name)})`) as ColumnInfo[];
  const columns = info
    .filter((column) => column.hidden === 0)
    .map((column) => ({
      name: column.name,
      type: column.type,
      notNull: column.notnull === 1,
      defaultSql: column.dflt_value,
      typeUnknown: false,
    }));
  const primaryKey = info
    .filter((column) => column.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((column) => column.name);
  const watermark = watermarkOf(name, columns, withoutRowid, tableOptionsFor(spec.tables, name)?.watermark);
  return { name, columns, primaryKey, watermark, mode: syncModeOf(watermark, primaryKey), createSql };
}

/** The named column, else the rowid; WITHOUT ROWID tables have none and are read whole. */
function watermarkOf(
  table: string,
  columns: readonly { name: string }[],
  withoutRowid: boolean,
  wanted: string | undefined,
): string | null {
  if (wanted === undefined) return withoutRowid ? null : ROWID;
  const column = findColumnName(columns, wanted);
  if (column !== undefined) return column;
  if (wanted.toLowerCase() === ROWID && !withoutRowid) return ROWID;
  throw new R1flowError(
    'CONFIG_INVALID',
    `watermark column "${wanted}" is not a column of source table "${table}" (columns: ${columns.map((c) => c.name).join(', ')})`,
    { data: { table, column: wanted } },
  );
}

function* readSqliteRows(db: Database.Database, table: SourceTable, after: SqlValue): Generator<SourceRow> {
  const watermark =
    table.watermark === null ? 'NULL' : table.watermark === ROWID ? ROWID : quoteIdentifier(table.watermark);
  const filtered = table.watermark !== null && after !== null;
  const columns = table.columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const statement = db
    .prepare(
      `SELECT ${watermark}, ${columns} FROM ${quoteIdentifier(table.name)}` +
        (filtered ? ` WHERE ${watermark} > ?` : '') +
        (table.watermark === null ? '' : ` ORDER BY ${watermark}`),
    )
    .raw(true)
    .safeIntegers(true);
  const rows = (filtered ? statement.iterate(after) : statement.iterate()) as IterableIterator<SqlValue[]>;
  for (const [value = null, ...values] of rows) yield { watermark: value, values };
}
