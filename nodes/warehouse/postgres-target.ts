// A PostgreSQL connection as the sync's warehouse. Each table is synced in one transaction that
// holds an advisory lock on the table's name (two syncs cannot copy the same rows twice), creates
// the table if needed (PostgreSQL's DDL is transactional, so a failed first sync leaves no empty
// table behind), upserts rows with INSERT … ON CONFLICT and advances the watermark in
// `_r1flow_sync_state` before COMMIT: the watermark only moves together with its rows.
// Tables get the source's columns, NOT NULL and primary key; foreign keys are not copied, as table
// by table commits and real data would violate them (see sync-warehouse.ts).
import type pg from 'pg';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { quoteIdentifier } from '../schema/example-values.ts';
import { connectionDatabase } from '../sql/warehouse-executor.ts';
import { closePostgres, connectPostgres } from './postgres-client.ts';
import type { SourceDialect } from './postgres-column-types.ts';
import { postgresColumnType } from './postgres-column-types.ts';
import type { WarehouseTable } from './schema-changes.ts';
import type { SqlValue } from './sql-value.ts';
import type { SourceColumn, SourceTable } from './sync-source.ts';
import { SYNC_STATE_TABLE, type SyncState } from './sync-state.ts';
import type { SyncTarget, TargetTransaction } from './sync-target.ts';
import { upsertClause } from './upsert-clause.ts';

/** PostgreSQL's limit on bind parameters in one statement. */
const MAX_PARAMETERS = 65_535;
const UNIQUE_VIOLATION = '23505';

// The value keeps its type in `value_type`, so an integer watermark comes back an integer.
const CREATE_STATE_TABLE = `CREATE TABLE IF NOT EXISTS ${SYNC_STATE_TABLE} (
  source TEXT NOT NULL,
  table_name TEXT NOT NULL,
  watermark_column TEXT,
  value_type TEXT NOT NULL,
  value TEXT,
  rows_copied BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (source, table_name)
)`;

export async function openPostgresTarget(
  connection: ResolvedConnection,
  dialect: SourceDialect,
): Promise<SyncTarget> {
  const client = await connectPostgres(connection);
  try {
    await ensureStateTable(client);
  } catch (error) {
    await closePostgres(client);
    throw error;
  }
  const columnType = (column: SourceColumn) => postgresColumnType(column, dialect);
  const tx = transactionOps(client, columnType);
  return {
    name: connectionDatabase(connection.name),
    readTable: (name) => readPostgresTable(client, name),
    columnType,
    async transaction(table, work) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`r1flow.sync:${table}`]);
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that died has rolled back on the server already.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    close: () => closePostgres(client),
  };
}

/** Two first syncs may race to create the state table; the loser finds it there. */
async function ensureStateTable(client: pg.Client): Promise<void> {
  try {
    await client.query(CREATE_STATE_TABLE);
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
  }
}

function transactionOps(client: pg.Client, columnType: (column: SourceColumn) => string): TargetTransaction {
  return {
    readTable: (name) => readPostgresTable(client, name),
    createTable: async (table) => {
      await client.query(createTableSql(table, columnType));
    },
    addColumn: async (target, column) => {
      const parts = [quoteIdentifier(column.name), columnType(column)];
      if (column.defaultSql !== null) parts.push(`DEFAULT ${column.defaultSql}`);
      if (column.notNull) parts.push('NOT NULL');
      await client.query(`ALTER TABLE ${quoteIdentifier(target)} ADD COLUMN ${parts.join(' ')}`);
    },
    clearTable: async (target) => {
      await client.query(`DELETE FROM ${quoteIdentifier(target)}`);
    },
    readState: (source, table) => readState(client, source, table),
    writeState: (source, table, state) => writeState(client, source, table, state),
    rowWriter: (target, table) => postgresRowWriter(client, target, table),
  };
}

export function createTableSql(table: SourceTable, columnType: (column: SourceColumn) => string): string {
  const lines = table.columns.map((column) =>
    [quoteIdentifier(column.name), columnType(column), column.notNull ? 'NOT NULL' : '']
      .filter(Boolean)
      .join(' '),
  );
  if (table.primaryKey.length > 0) {
    lines.push(`PRIMARY KEY (${table.primaryKey.map(quoteIdentifier).join(', ')})`);
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.name)} (\n  ${lines.join(',\n  ')}\n)`;
}

/** The table in the connection's current schema, its name matched case-insensitively (exact first). */
async function readPostgresTable(client: pg.Client, name: string): Promise<WarehouseTable | undefined> {
  const found = await client.query<{ oid: number; relname: string }>(
    `SELECT c.oid::int AS oid, c.relname FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        AND lower(c.relname) = lower($1)
      ORDER BY c.relname = $1 DESC LIMIT 1`,
    [name],
  );
  const table = found.rows[0];
  if (table === undefined) return undefined;
  const columns = await client.query<{ name: string; type: string; key: number | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            array_position(i.indkey::int2[], a.attnum) AS key
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [table.oid],
  );
  return {
    name: table.relname,
    columns: columns.rows.map(({ name: column, type }) => ({ name: column, type })),
    primaryKey: columns.rows
      .filter((column) => column.key !== null)
      .sort((a, b) => Number(a.key) - Number(b.key))
      .map((column) => column.name),
  };
}

type StoredType = 'null' | 'integer' | 'real' | 'text' | 'blob';

async function readState(client: pg.Client, source: string, table: string): Promise<SyncState | undefined> {
  const result = await client.query<{
    watermark_column: string | null;
    value_type: StoredType;
    value: string | null;
    rows_copied: bigint;
  }>(
    `SELECT watermark_column, value_type, value, rows_copied FROM ${SYNC_STATE_TABLE}
      WHERE source = $1 AND table_name = $2`,
    [source, table],
  );
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return {
    watermarkColumn: row.watermark_column,
    value: decodeValue(row.value_type, row.value),
    rowsCopied: Number(row.rows_copied),
  };
}

async function writeState(client: pg.Client, source: string, table: string, state: SyncState): Promise<void> {
  const [type, value] = encodeValue(state.value);
  await client.query(
    `INSERT INTO ${SYNC_STATE_TABLE} (source, table_name, watermark_column, value_type, value, rows_copied, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (source, table_name) DO UPDATE SET watermark_column = EXCLUDED.watermark_column,
       value_type = EXCLUDED.value_type, value = EXCLUDED.value, rows_copied = EXCLUDED.rows_copied,
       updated_at = EXCLUDED.updated_at`,
    [source, table, state.watermarkColumn, type, value, state.rowsCopied],
  );
}

function encodeValue(value: SqlValue): [StoredType, string | null] {
  if (value === null) return ['null', null];
  if (typeof value === 'bigint') return ['integer', value.toString()];
  if (typeof value === 'number')
    return Number.isInteger(value) ? ['integer', String(value)] : ['real', String(value)];
  if (typeof value === 'string') return ['text', value];
  return ['blob', value.toString('base64')];
}

function decodeValue(type: StoredType, value: string | null): SqlValue {
  if (value === null || type === 'null') return null;
  if (type === 'integer') return BigInt(value);
  if (type === 'real') return Number(value);
  if (type === 'blob') return Buffer.from(value, 'base64');
  return value;
}

/**
 * Multi-row INSERTs, split to stay under the parameter limit. A key seen twice in one statement
 * would make ON CONFLICT fail ("cannot affect row a second time"), so within a statement the last
 * row of a key wins, as it would row by row. Returns rows inserted or changed: the upsert's WHERE
 * leaves equal rows alone, and PostgreSQL does not count those.
 */
function postgresRowWriter(
  client: pg.Client,
  target: string,
  table: SourceTable,
): (rows: readonly SqlValue[][]) => Promise<number> {
  const columns = table.columns.map((column) => quoteIdentifier(column.name));
  const upsert = table.mode !== 'replace' && table.primaryKey.length > 0;
  const keyAt = table.primaryKey.map((key) => table.columns.findIndex((column) => column.name === key));
  const clause = upsert ? upsertClause(target, table, 'IS DISTINCT FROM') : '';
  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
  return async (rows) => {
    let written = 0;
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const chunk = rows.slice(start, start + rowsPerStatement);
      const unique = upsert ? lastRowPerKey(chunk, keyAt) : chunk;
      const params: unknown[] = [];
      const tuples = unique.map((values) => {
        const placeholders = values.map((value) => {
          params.push(value);
          return `$${params.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      const result = await client.query(
        `INSERT INTO ${quoteIdentifier(target)} (${columns.join(', ')}) VALUES ${tuples.join(', ')}${clause}`,
        params,
      );
      written += result.rowCount ?? 0;
    }
    return written;
  };
}

function lastRowPerKey(rows: readonly SqlValue[][], keyAt: readonly number[]): SqlValue[][] {
  const byKey = new Map<string, SqlValue[]>();
  for (const row of rows) {
    const key = JSON.stringify(keyAt.map((at) => String(row[at])));
    byKey.delete(key);
    byKey.set(key, row);
  }
  return [...byKey.values()];
}
