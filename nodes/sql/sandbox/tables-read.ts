// Which tables a query reads, from SQLite's own compiler: the `OpenRead`/`ReopenIdx` opcodes of
// `EXPLAIN <sql>` name root pages, and `sqlite_schema.rootpage` maps each to its table (an index to
// the table it indexes). Exact where a SQL parser is not (node-sql-parser fails on INTERSECT/EXCEPT).
// A view is compiled into reads of its underlying tables, so a view is readable exactly when its
// tables are allowed; naming the view itself in `allowedTables` grants nothing.
import type { Database } from 'better-sqlite3';

/** How `listTablesRead` names reads it cannot attribute to a table of the main database. */
export const VIRTUAL_TABLE = '(virtual table)';
export const SCHEMA_TABLE = 'sqlite_schema';

const TABLE_OPENS = new Set(['OpenRead', 'ReopenIdx']);
const MAIN_DATABASE = 0;

/** Names of the tables `sql` (one statement, without EXPLAIN) reads, as the schema spells them, in first-read order. */
export function listTablesRead(db: Database, sql: string): string[] {
  const program = db.prepare(`EXPLAIN ${sql}`).raw(true).all() as [
    number,
    string,
    number,
    number,
    number,
    ...unknown[],
  ][];
  const tableOfRoot = mapRootPagesToTables(db);
  const tables = new Set<string>();
  for (const [, opcode, , rootPage, database] of program) {
    // Virtual tables (json_each, pragma_* functions, FTS) have no root page to check.
    if (opcode === 'VOpen') tables.add(VIRTUAL_TABLE);
    if (!TABLE_OPENS.has(opcode)) continue;
    if (database !== MAIN_DATABASE) tables.add(`database #${database}`);
    else tables.add(tableOfRoot.get(rootPage) ?? `root page ${rootPage}`);
  }
  return [...tables];
}

/**
 * The first table `sql` reads that `allowedTables` does not list (case-insensitive), if any. The
 * schema table and virtual tables are never allowed: listing them would expose every table's DDL or
 * reads no root page can check.
 */
export function findForbiddenTable(
  db: Database,
  sql: string,
  allowedTables: readonly string[],
): string | undefined {
  const allowed = new Set(allowedTables.map((table) => table.toLowerCase()));
  allowed.delete(SCHEMA_TABLE);
  allowed.delete(VIRTUAL_TABLE);
  return listTablesRead(db, sql).find((table) => !allowed.has(table.toLowerCase()));
}

function mapRootPagesToTables(db: Database): Map<number, string> {
  const rows = db.prepare('SELECT tbl_name, rootpage FROM sqlite_schema WHERE rootpage > 0').raw(true).all();
  const tables = new Map<number, string>([[1, SCHEMA_TABLE]]);
  for (const [table, rootPage] of rows as [string, number][]) tables.set(rootPage, table);
  return tables;
}
