// Reads a SQLite warehouse's schema: tables, columns, types, keys and example values. With a
// Spider tables.json entry the structure, type words and natural names come from it (SQL-R1
// renders from tables.json); otherwise from SQLite's own catalog.
import type Database from 'better-sqlite3';
import { quoteIdentifier, readExampleValues } from './example-values.ts';
import type { SpiderDatabase } from './spider-metadata.ts';
import { spiderTypeOf } from './spider-metadata.ts';
import type { ForeignKey, TableSchema, WarehouseSchema } from './warehouse-schema.ts';

export interface IntrospectOptions {
  /** Example values per column (SQL-R1's Spider cache holds 2; its prompt shows at most 6). */
  examplesPerColumn: number;
  /** The database's tables.json entry, when known. */
  spider?: SpiderDatabase | undefined;
}

interface PragmaColumn {
  name: string;
  type: string;
  pk: number;
}

interface PragmaForeignKey {
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

/**
 * User tables in creation order (sqlite_schema order). SQLite's internal tables and r1flow's
 * bookkeeping (`_r1flow_*`, e.g. sync watermarks) are not part of the schema.
 */
function listTables(db: Database.Database): string[] {
  return db
    .prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_r1flow\\_%' ESCAPE '\\'`,
    )
    .pluck()
    .all() as string[];
}

/** Table names in the warehouse's order: tables.json's when given, else sqlite_schema's. */
export function listWarehouseTables(db: Database.Database, spider?: SpiderDatabase): string[] {
  return spider ? [...spider.table_names_original] : listTables(db);
}

/** The schema of every table, or of the tables named in `only` (the re-index reads changed ones). */
export function introspectWarehouse(
  db: Database.Database,
  options: IntrospectOptions,
  only?: ReadonlySet<string>,
): WarehouseSchema {
  const wanted = (name: string) => only === undefined || only.has(name);
  if (options.spider) {
    return { tables: introspectFromSpider(db, options.spider, options.examplesPerColumn, wanted) };
  }
  const names = listTables(db);
  const canonical = new Map(names.map((name) => [name.toLowerCase(), name]));
  return {
    tables: names
      .filter(wanted)
      .map((name) => introspectTable(db, name, options.examplesPerColumn, canonical)),
  };
}

/** One table from SQLite's catalog; `canonical` maps lower-case table names to their spelling. */
function introspectTable(
  db: Database.Database,
  table: string,
  examplesPerColumn: number,
  canonical: ReadonlyMap<string, string>,
): TableSchema {
  const columns = readColumns(db, table);
  const foreignKeys = readForeignKeys(db, table, columns, canonical);
  return {
    name: table,
    naturalName: null,
    columns: columns.map((column) => ({
      name: column.name,
      naturalName: null,
      type: spiderTypeOf(column.type),
      examples: readExampleValues(db, table, column.name, examplesPerColumn),
    })),
    primaryKey: primaryKeyOf(columns),
    foreignKeys,
  };
}

function readColumns(db: Database.Database, table: string): PragmaColumn[] {
  return db.prepare(`PRAGMA table_info(${quoteIdentifier(table)})`).all() as PragmaColumn[];
}

function primaryKeyOf(columns: readonly PragmaColumn[]): string[] {
  return columns
    .filter((column) => column.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((column) => column.name);
}

function readForeignKeys(
  db: Database.Database,
  table: string,
  columns: readonly PragmaColumn[],
  canonical: ReadonlyMap<string, string>,
): ForeignKey[] {
  const rows = db.prepare(`PRAGMA foreign_key_list(${quoteIdentifier(table)})`).all() as PragmaForeignKey[];
  const position = new Map(columns.map((column, index) => [column.name.toLowerCase(), index]));
  const keys = rows.map((row) => {
    const refTable = canonical.get(row.table.toLowerCase()) ?? row.table;
    // `REFERENCES t` without columns means t's primary key.
    const refColumn = row.to ?? primaryKeyOf(readColumns(db, refTable))[row.seq] ?? '';
    return { column: row.from, refTable, refColumn };
  });
  // PRAGMA lists keys in reverse declaration order; SQL-R1 lists them by source column.
  return keys.sort(
    (a, b) => (position.get(a.column.toLowerCase()) ?? 0) - (position.get(b.column.toLowerCase()) ?? 0),
  );
}

function introspectFromSpider(
  db: Database.Database,
  spider: SpiderDatabase,
  examplesPerColumn: number,
  wanted: (table: string) => boolean,
): TableSchema[] {
  const existing = new Set(listTables(db).map((name) => name.toLowerCase()));
  const primaryIndexes = new Set(spider.primary_keys.flat());
  const columnsOf = (tableIndex: number) =>
    spider.column_names_original.flatMap(([owner, name], index) =>
      owner === tableIndex ? [{ name, index }] : [],
    );
  return spider.table_names_original.flatMap((table, tableIndex) => {
    if (!wanted(table)) return [];
    const columns = columnsOf(tableIndex);
    const present = existing.has(table.toLowerCase())
      ? new Set(readColumns(db, table).map((column) => column.name.toLowerCase()))
      : new Set<string>();
    const schema: TableSchema = {
      name: table,
      naturalName: spider.table_names[tableIndex] ?? null,
      columns: columns.map(({ name, index }) => ({
        name,
        naturalName: spider.column_names[index]?.[1] ?? null,
        type: spider.column_types[index] ?? 'others',
        examples: present.has(name.toLowerCase())
          ? readExampleValues(db, table, name, examplesPerColumn)
          : [],
      })),
      primaryKey: columns.filter(({ index }) => primaryIndexes.has(index)).map(({ name }) => name),
      foreignKeys: uniqueForeignKeys(
        columns.flatMap(({ name, index }) =>
          spider.foreign_keys
            .filter(([source]) => source === index)
            .map(([, target]) => spiderColumnRef(spider, name, target)),
        ),
      ),
    };
    return [schema];
  });
}

function spiderColumnRef(spider: SpiderDatabase, column: string, target: number): ForeignKey {
  const [targetTable = -1, refColumn = ''] = spider.column_names_original[target] ?? [];
  return { column, refTable: spider.table_names_original[targetTable] ?? '', refColumn };
}

function uniqueForeignKeys(keys: ForeignKey[]): ForeignKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = `${key.column}\u0000${key.refTable}\u0000${key.refColumn}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
