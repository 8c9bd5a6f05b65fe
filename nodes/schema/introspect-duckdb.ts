// Reads a DuckDB warehouse's schema the way introspect-warehouse.ts reads SQLite's: tables and
// views (views over Parquet and CSV files are what DuckDB warehouses are for) from the catalog,
// columns with their types, primary and foreign keys from duckdb_constraints(), and example values
// by SQL-R1's rules (distinct non-empty values, strings cut to 40 characters), taken in sorted
// order: DuckDB's DISTINCT has no stable order, and a prompt must not change between two reads.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBDecimalValue } from '@duckdb/node-api';
import { quoteIdentifier } from './example-values.ts';
import type { SqliteValue } from './python-repr.ts';
import { formatPythonValue } from './python-repr.ts';
import { spiderTypeOf } from './spider-metadata.ts';
import type { TableSchema, WarehouseSchema } from './warehouse-schema.ts';

const MAX_STRING_CHARS = 40;
/** DuckDB's integer types (INTEGER comes back as a JS number, but Python prints it as an int). */
const INTEGER_TYPE = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/i;

export interface CatalogTable {
  schema: string;
  name: string;
  /** How the index and the prompt name it: `name` in the main schema, else `schema.name`. */
  reference: string;
}

/** Tables of the main schema by their names; tables of other schemas as `schema.table`. */
export async function introspectDuckdb(
  connection: DuckDBConnection,
  examplesPerColumn: number,
  only?: ReadonlySet<string>,
): Promise<WarehouseSchema> {
  const tables = (await listDuckdbTables(connection)).filter(
    (table) => only === undefined || only.has(table.reference),
  );
  const schemas: TableSchema[] = [];
  for (const table of tables) schemas.push(await introspectTable(connection, table, examplesPerColumn));
  return { tables: schemas };
}

export async function listDuckdbTables(connection: DuckDBConnection): Promise<CatalogTable[]> {
  const rows = await readRows(
    connection,
    `SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_catalog = current_database() AND table_schema NOT IN ('information_schema', 'pg_catalog')
       AND table_name NOT LIKE '\\_r1flow\\_%' ESCAPE '\\'
     ORDER BY table_schema = 'main' DESC, table_schema, table_name`,
  );
  return rows.map(([schema, name]) => ({
    schema: String(schema),
    name: String(name),
    reference: schema === 'main' ? String(name) : `${String(schema)}.${String(name)}`,
  }));
}

async function introspectTable(
  connection: DuckDBConnection,
  table: CatalogTable,
  examplesPerColumn: number,
): Promise<TableSchema> {
  const columns = await readRows(
    connection,
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name
     ORDER BY ordinal_position`,
    { schema: table.schema, name: table.name },
  );
  const constraints = await readRows(
    connection,
    `SELECT constraint_type, constraint_column_names, referenced_table, referenced_column_names
     FROM duckdb_constraints()
     WHERE database_name = current_database() AND schema_name = $schema AND table_name = $name
       AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`,
    { schema: table.schema, name: table.name },
  );
  const primary = constraints.find(([type]) => type === 'PRIMARY KEY');
  const foreignKeys = constraints
    .filter(([type]) => type === 'FOREIGN KEY')
    .flatMap(([, from, refTable, to]) =>
      listOf(from).map((column, index) => ({
        column,
        refTable: String(refTable),
        refColumn: listOf(to)[index] ?? '',
      })),
    );
  const source = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
  const schemaColumns = [];
  for (const [name, type] of columns) {
    schemaColumns.push({
      name: String(name),
      naturalName: null,
      type: spiderTypeOf(String(type)),
      examples: await readExamples(connection, source, String(name), String(type), examplesPerColumn),
    });
  }
  return {
    name: table.reference,
    naturalName: null,
    columns: schemaColumns,
    primaryKey: primary === undefined ? [] : listOf(primary[1]),
    foreignKeys,
  };
}

async function readExamples(
  connection: DuckDBConnection,
  source: string,
  column: string,
  type: string,
  limit: number,
): Promise<string[]> {
  const integer = INTEGER_TYPE.test(type);
  if (limit <= 0) return [];
  const col = quoteIdentifier(column);
  const rows = await readRows(
    connection,
    `SELECT ${col} FROM (SELECT DISTINCT ${col} FROM ${source} WHERE ${col} IS NOT NULL AND CAST(${col} AS VARCHAR) != '') ORDER BY 1 LIMIT ${limit}`,
  );
  const seen = new Set<string>();
  const examples: string[] = [];
  for (const [value] of rows) {
    const literal = formatPythonValue(pythonValueOf(value, integer));
    if (seen.has(literal)) continue;
    seen.add(literal);
    examples.push(literal);
  }
  return examples;
}

/** Integers stay Python ints, DECIMAL and floating point become floats, the rest their text. */
function pythonValueOf(value: unknown, integerColumn: boolean): SqliteValue {
  if (typeof value === 'number' && integerColumn) return BigInt(value);
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  const text = String(value);
  const chars = [...text];
  return chars.length > MAX_STRING_CHARS ? chars.slice(0, MAX_STRING_CHARS).join('') : text;
}

function listOf(value: unknown): string[] {
  if (value !== null && typeof value === 'object' && 'items' in value && Array.isArray(value.items)) {
    return value.items.map(String);
  }
  return [];
}

async function readRows(
  connection: DuckDBConnection,
  sql: string,
  values?: Record<string, string>,
): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, values)).getRows();
}
