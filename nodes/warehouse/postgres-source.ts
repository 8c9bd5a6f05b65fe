// A PostgreSQL connection as a sync source. The whole sync reads one snapshot (a REPEATABLE READ,
// READ ONLY transaction), so tables copied one after another agree with each other and the
// source cannot be written through this client. Rows are read a page at a time by keyset
// pagination: ORDER BY (watermark, key) and the next page starts past the last row read,
// `WHERE (wm, key) > ($1, $2)`, which neither skips nor repeats rows that share a watermark value
// and, unlike OFFSET, costs the same on page 1,000 as on page 1. A table without a primary key is
// paged by ctid, stable within the snapshot. Rows whose watermark is NULL are read (by key) only
// on a table's first sync, as with the other sources. There is no default watermark (PostgreSQL
// has no rowid): name one per table or for all (`watermark`), else tables are read whole.
import type pg from 'pg';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { quoteIdentifier } from '../schema/example-values.ts';
import { closePostgres, connectPostgres } from './postgres-client.ts';
import { sqliteColumnType } from './postgres-column-types.ts';
import type { SqlValue } from './sql-value.ts';
import type { PostgresSourceSpec } from './sync-params.ts';
import type { SourceColumn, SourceRow, SourceTable, SyncSource } from './sync-source.ts';
import { findColumnName, isInternalTable, syncModeOf, tableOptionsFor } from './sync-source.ts';

interface ColumnRow {
  table_name: string;
  name: string;
  type: string;
  not_null: boolean;
  default_sql: string | null;
  key: number | null;
}

export async function openPostgresSource(
  spec: PostgresSourceSpec,
  connection: ResolvedConnection,
  pageSize: number,
): Promise<SyncSource> {
  const client = await connectPostgres(connection);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    await closePostgres(client);
    throw error;
  }
  const columnTypes = new Map<string, Map<string, string>>();
  return {
    id: `postgres:${connection.name}/${spec.schema}`,
    dialect: 'postgres',
    rowsInWatermarkOrder: true,
    async listTables() {
      const tables = await listPostgresTables(client, spec);
      for (const table of tables) {
        columnTypes.set(table.name, new Map(table.columns.map((column) => [column.name, column.type])));
      }
      return tables;
    },
    readRows: (table, after) =>
      readPostgresRows(client, spec.schema, table, after, pageSize, columnTypes.get(table.name) ?? new Map()),
    async close() {
      await client.query('ROLLBACK').catch(() => {});
      await closePostgres(client);
    },
  };
}

async function listPostgresTables(client: pg.Client, spec: PostgresSourceSpec): Promise<SourceTable[]> {
  const result = await client.query<ColumnRow>(
    `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_sql,
            array_position(i.indkey::int2[], a.attnum) AS key
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
    [spec.schema],
  );
  const byTable = new Map<string, ColumnRow[]>();
  for (const row of result.rows) {
    if (isInternalTable(row.table_name)) continue;
    byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row]);
  }
  return [...byTable].map(([name, rows]) => describeTable(name, rows, spec));
}

function describeTable(name: string, rows: readonly ColumnRow[], spec: PostgresSourceSpec): SourceTable {
  const columns: SourceColumn[] = rows.map((row) => ({
    name: row.name,
    type: row.type,
    notNull: row.not_null,
    defaultSql: literalDefault(row.default_sql),
    typeUnknown: false,
  }));
  const primaryKey = rows
    .filter((row) => row.key !== null)
    .sort((a, b) => Number(a.key) - Number(b.key))
    .map((row) => row.name);
  const watermark = watermarkOf(name, columns, spec);
  return {
    name,
    columns,
    primaryKey,
    watermark,
    mode: syncModeOf(watermark, primaryKey),
    createSql: sqliteCreateSql(name, columns, primaryKey),
  };
}

/** A table's own watermark must exist; the source-wide one applies to the tables that have it. */
function watermarkOf(
  table: string,
  columns: readonly SourceColumn[],
  spec: PostgresSourceSpec,
): string | null {
  const wanted = tableOptionsFor(spec.tables, table)?.watermark;
  if (wanted === undefined) {
    return spec.watermark === undefined ? null : (findColumnName(columns, spec.watermark) ?? null);
  }
  const column = findColumnName(columns, wanted);
  if (column !== undefined) return column;
  throw new R1flowError(
    'CONFIG_INVALID',
    `watermark column "${wanted}" is not a column of source table "${table}" (columns: ${columns.map((c) => c.name).join(', ')})`,
    { data: { table, column: wanted } },
  );
}

const LITERAL_DEFAULT = /^(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|NULL)(?:::[\w\s"]+)?$/i;

/** Only constant defaults travel (another engine may not know a function like nextval()). */
function literalDefault(sql: string | null): string | null {
  if (sql === null || !LITERAL_DEFAULT.test(sql)) return null;
  return sql.replace(/::[\w\s"]+$/, '');
}

/** The CREATE TABLE a SQLite warehouse gets: names, types, NOT NULL, constant defaults, key. */
function sqliteCreateSql(
  table: string,
  columns: readonly SourceColumn[],
  primaryKey: readonly string[],
): string {
  const lines = columns.map((column) =>
    [
      quoteIdentifier(column.name),
      sqliteColumnType(column, 'postgres'),
      column.notNull ? 'NOT NULL' : '',
      column.defaultSql === null ? '' : `DEFAULT ${column.defaultSql}`,
    ]
      .filter(Boolean)
      .join(' '),
  );
  if (primaryKey.length > 0) lines.push(`PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(', ')})`);
  return `CREATE TABLE ${quoteIdentifier(table)} (\n  ${lines.join(',\n  ')}\n)`;
}

/**
 * Pages of `pageSize` rows. The SELECT list is the watermark, the paging key, then the columns;
 * the next page compares (watermark, key) with the last row's, each value cast to its column's type.
 */
async function* readPostgresRows(
  client: pg.Client,
  schema: string,
  table: SourceTable,
  after: SqlValue,
  pageSize: number,
  types: ReadonlyMap<string, string>,
): AsyncGenerator<SourceRow> {
  const from = `${quoteIdentifier(schema)}.${quoteIdentifier(table.name)}`;
  const keys = table.primaryKey.length > 0 ? table.primaryKey.map(quoteIdentifier) : ['ctid'];
  const keyTypes =
    table.primaryKey.length > 0 ? table.primaryKey.map((key) => types.get(key) ?? 'text') : ['tid'];
  const keyList = table.primaryKey.length > 0 ? keys : ['ctid::text'];
  const columns = table.columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const page = async (select: string[], where: string[], order: string[], params: unknown[]) =>
    (
      await client.query({
        text:
          `SELECT ${[...select, columns].join(', ')} FROM ${from}` +
          (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
          ` ORDER BY ${order.join(', ')} LIMIT ${pageSize}`,
        values: params,
        rowMode: 'array',
      })
    ).rows as SqlValue[][];
  const pastKey = (first: number, count: number) =>
    Array.from({ length: count }, (_, i) => `$${first + i}::${keyTypes[i]}`).join(', ');

  if (table.watermark === null || after === null) {
    // Every row on a first sync (or always, without a watermark); with a watermark only the NULL
    // ones here, the others are paged by watermark below.
    const nullsOnly = table.watermark === null ? [] : [`${quoteIdentifier(table.watermark)} IS NULL`];
    let last: SqlValue[] | undefined;
    for (;;) {
      const where =
        last === undefined
          ? nullsOnly
          : [...nullsOnly, `(${keys.join(', ')}) > (${pastKey(1, keys.length)})`];
      const rows = await page(keyList, where, keys, last ?? []);
      for (const row of rows) yield { watermark: null, values: row.slice(keys.length) };
      if (rows.length < pageSize) break;
      last = (rows.at(-1) as SqlValue[]).slice(0, keys.length);
    }
    if (table.watermark === null) return;
  }
  const watermark = quoteIdentifier(table.watermark);
  const watermarkType = types.get(table.watermark) ?? 'text';
  const ordered = [watermark, ...keys];
  let last: SqlValue[] | undefined;
  for (;;) {
    const where =
      last !== undefined
        ? [`(${ordered.join(', ')}) > ($1::${watermarkType}, ${pastKey(2, keys.length)})`]
        : after !== null
          ? [`${watermark} > $1::${watermarkType}`]
          : [`${watermark} IS NOT NULL`];
    const rows = await page([watermark, ...keyList], where, ordered, last ?? (after !== null ? [after] : []));
    for (const row of rows) yield { watermark: row[0] ?? null, values: row.slice(ordered.length) };
    if (rows.length < pageSize) break;
    last = (rows.at(-1) as SqlValue[]).slice(0, ordered.length);
  }
}
