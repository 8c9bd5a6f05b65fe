// Reads a PostgreSQL warehouse's schema from pg_catalog, as introspect-warehouse.ts reads SQLite's:
// the tables, views and foreign tables of every schema but the system ones (that the user may
// SELECT from; extension-owned and r1flow's `_r1flow_*` tables left out), columns with their types
// as PostgreSQL names them, primary and foreign keys, COMMENT ON text, and example values by
// SQL-R1's rules. Every query is bounded: a few catalog queries for the whole warehouse, and one
// example query per table that reads at most SAMPLE_ROWS rows.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdentifier } from './example-values.ts';
import { postgresTableReference } from './postgres-identifiers.ts';
import { formatPythonFloat, formatPythonString } from './python-repr.ts';
import type { ColumnSchema, ForeignKey, TableSchema } from './warehouse-schema.ts';

/** Rows an example query reads from a table: enough for a few distinct values, cheap on any table. */
export const SAMPLE_ROWS = 1000;
const MAX_STRING_CHARS = 40;
const INTEGER_TYPES = new Set(['int2', 'int4', 'int8', 'oid']);

type Client = Pick<pg.ClientBase, 'query'>;

export interface PostgresColumn {
  name: string;
  /** format_type()'s name, shortened (`timestamp`, `varchar(40)`, `numeric(10,2)`). */
  type: string;
  /** pg_type.typname and typcategory: how example values are written. */
  typeName: string;
  category: string;
  comment: string | null;
}

export interface PostgresTable {
  oid: string;
  schema: string;
  /** The SQL reference: `orders` in public, `sales.orders` elsewhere, quoted where needed. */
  reference: string;
  comment: string | null;
  columns: PostgresColumn[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  /** The main fork's size in bytes and the planner's row estimate: the fingerprint's sign of the data. */
  bytes: string;
  rowEstimate: number;
}

const TABLES_SQL = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, obj_description(c.oid, 'pg_class') AS comment,
       pg_relation_size(c.oid)::text AS bytes, c.reltuples::float8 AS row_estimate
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND c.relname NOT LIKE '\\_r1flow\\_%'
  AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname <> 'public', n.nspname, c.relname`;

const COLUMNS_SQL = `
SELECT a.attrelid::text AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       t.typname AS type_name, t.typcategory AS category, col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const KEYS_SQL = `
SELECT con.conrelid::text AS oid, con.contype AS kind,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i) AS ref_columns
FROM pg_constraint con
LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'f')
ORDER BY con.conrelid, con.conname`;

interface TableRow {
  oid: string;
  schema: string;
  name: string;
  comment: string | null;
  bytes: string;
  row_estimate: number;
}

interface ColumnRow {
  oid: string;
  name: string;
  type: string;
  type_name: string;
  category: string;
  comment: string | null;
}

interface KeyRow {
  oid: string;
  kind: 'p' | 'f';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[];
}

/** Every readable table with its columns, keys and comments: three catalog queries in all. */
export async function readPostgresCatalog(client: Client): Promise<PostgresTable[]> {
  const tables = (await client.query<TableRow>(TABLES_SQL)).rows;
  const oids = tables.map((table) => table.oid);
  const columns = groupByOid((await client.query<ColumnRow>(COLUMNS_SQL, [oids])).rows);
  const keys = groupByOid((await client.query<KeyRow>(KEYS_SQL, [oids])).rows);
  return tables.map((table) => {
    const tableColumns = (columns.get(table.oid) ?? []).map((column) => ({
      name: column.name,
      type: shortTypeName(column.type),
      typeName: column.type_name,
      category: column.category,
      comment: column.comment,
    }));
    const tableKeys = keys.get(table.oid) ?? [];
    const position = new Map(tableColumns.map((column, index) => [column.name, index]));
    return {
      oid: table.oid,
      schema: table.schema,
      reference: postgresTableReference(table.schema, table.name),
      comment: table.comment,
      columns: tableColumns,
      primaryKey: tableKeys.find((key) => key.kind === 'p')?.columns ?? [],
      // By source column, as the SQLite reader lists them (SQL-R1's order).
      foreignKeys: tableKeys
        .filter((key) => key.kind === 'f' && key.ref_schema !== null && key.ref_table !== null)
        .flatMap((key) =>
          key.columns.map((column, index) => ({
            column,
            refTable: postgresTableReference(key.ref_schema ?? '', key.ref_table ?? ''),
            refColumn: key.ref_columns[index] ?? '',
          })),
        )
        .sort((a, b) => (position.get(a.column) ?? 0) - (position.get(b.column) ?? 0)),
      bytes: table.bytes,
      rowEstimate: table.row_estimate,
    };
  });
}

/**
 * The table's definition (columns, types, keys, comments) and its size and row estimate.
 * Adding, dropping or altering a column, a key or a comment changes it at once; data changes are
 * seen when the table grows or shrinks by a page, is rewritten or truncated, or is analysed
 * (autovacuum does that after enough changes). No table is counted or scanned for this.
 */
export function fingerprintPostgresTable(table: PostgresTable, salt: string): string {
  const { oid: _oid, ...definition } = table;
  return createHash('sha256').update(salt).update('\u0000').update(JSON.stringify(definition)).digest('hex');
}

export function toTableSchema(table: PostgresTable, examples: readonly string[][]): TableSchema {
  const schema: TableSchema = {
    name: table.reference,
    naturalName: null,
    columns: table.columns.map((column, index) => {
      const result: ColumnSchema = {
        name: column.name,
        naturalName: null,
        type: column.type,
        examples: [...(examples[index] ?? [])],
      };
      if (column.comment?.trim()) result.comment = column.comment;
      return result;
    }),
    primaryKey: table.primaryKey,
    foreignKeys: table.foreignKeys,
  };
  if (table.comment?.trim()) schema.comment = table.comment;
  return schema;
}

/**
 * Up to `limit` distinct non-empty values per column, from the first SAMPLE_ROWS rows, smallest
 * first: numbers and booleans by value, everything else as text in byte order (`COLLATE "C"`: the
 * same prompt on every server; and every type, json or geometry too, has a text form). Strings are
 * cut to 40 characters before duplicates are dropped, as SQL-R1 does.
 */
export async function readPostgresExamples(
  client: Client,
  table: PostgresTable,
  limit: number,
): Promise<string[][]> {
  if (limit <= 0 || table.columns.length === 0) return table.columns.map(() => []);
  const sampled = table.columns.map((column, index) => {
    const name = quoteIdentifier(column.name);
    return keepsType(column)
      ? `${name} AS c${index}`
      : `left(${name}::text, ${MAX_STRING_CHARS}) COLLATE "C" AS c${index}`;
  });
  const picks = table.columns.map((column, index) => {
    const present = keepsType(column) ? 'IS NOT NULL' : "<> ''";
    return (
      `ARRAY(SELECT v::text FROM (SELECT DISTINCT c${index} AS v FROM sample WHERE c${index} ${present} ` +
      `ORDER BY 1 LIMIT ${limit}) picked ORDER BY v) AS c${index}`
    );
  });
  const sql =
    `WITH sample AS MATERIALIZED (SELECT ${sampled.join(', ')} FROM ${table.reference} LIMIT ${SAMPLE_ROWS}) ` +
    `SELECT ${picks.join(', ')}`;
  const [row] = (await client.query<Record<string, string[]>>(sql)).rows;
  // '1.0' and '1.00' are one Python float: duplicates are dropped after formatting.
  return table.columns.map((column, index) => [
    ...new Set((row?.[`c${index}`] ?? []).map((value) => pythonLiteral(column, value))),
  ]);
}

/** Numbers and booleans keep their type: ordered by value, and never cut (cut, they would be other numbers). */
function keepsType(column: PostgresColumn): boolean {
  return column.category === 'N' || column.category === 'B';
}

/** Integers as Python ints, other numbers as floats, booleans as True/False, the rest as strings. */
function pythonLiteral(column: PostgresColumn, text: string): string {
  if (INTEGER_TYPES.has(column.typeName)) return text;
  if (column.category === 'N') {
    const value = Number(text);
    if (!Number.isNaN(value) || text === 'NaN') return formatPythonFloat(value);
  }
  if (column.category === 'B') return text === 'true' ? 'True' : 'False';
  return formatPythonString(text);
}

/** `timestamp without time zone` → `timestamp`, `timestamp with time zone` → `timestamptz`, `character varying` → `varchar`. */
export function shortTypeName(type: string): string {
  return type
    .replace(/\b(timestamp|time)(\(\d+\))? with time zone/g, '$1tz$2')
    .replace(/ without time zone/g, '')
    .replace(/\bcharacter varying/g, 'varchar');
}

function groupByOid<Row extends { oid: string }>(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.oid) ?? [];
    group.push(row);
    groups.set(row.oid, group);
  }
  return groups;
}
