// Loads the demo warehouse into a PostgreSQL database: the same tables as the SQLite demo (keys,
// foreign keys, UNIQUE and CHECK constraints kept) and the same seeded rows, in one transaction: a
// failed load leaves the database as it was. Tables of these names that already exist are only
// replaced when asked (`replace`), as they may be someone's own `orders`.
// Types are chosen so the demo questions get the same answers on both engines: dates stay ISO
// text (as in the SQLite file, so `order_date LIKE '2024%'` and SUBSTR work alike), and money is
// NUMERIC, not DOUBLE PRECISION: SQLite sums REALs with compensated summation, PostgreSQL's float
// sum does not (the card payments total 2995954.05 on SQLite, 2995954.049999996 as float8 on
// PostgreSQL), while NUMERIC sums the cents exactly.
import type pg from 'pg';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { closePostgres, connectPostgres } from '../../nodes/warehouse/postgres-client.ts';
import { DEMO_SEED } from './build-warehouse.ts';
import { DEMO_DDL, DEMO_TABLES } from './demo-ddl.ts';
import type { Row } from './generate-demo-rows.ts';
import { generateDemoRows } from './generate-demo-rows.ts';
import { createRandom } from './seeded-random.ts';

/** The demo DDL's SQLite types and what the PostgreSQL demo uses instead (see the header). */
const DEMO_TYPES: Readonly<Record<string, string>> = {
  INTEGER: 'INTEGER',
  TEXT: 'TEXT',
  REAL: 'NUMERIC',
  DATE: 'TEXT',
};

export interface LoadDemoOptions {
  /** Drop demo tables already in the database and load them afresh. */
  replace?: boolean;
  seed?: number;
}

/** Rows per INSERT statement: well under PostgreSQL's 65,535 parameters for the widest table. */
const ROWS_PER_INSERT = 500;

/** The demo DDL with each SQLite type replaced by its PostgreSQL counterpart. */
export function postgresDemoDdl(): string {
  return DEMO_DDL.replace(/\b(INTEGER|TEXT|REAL|DATE)\b/g, (type) => DEMO_TYPES[type] ?? type);
}

/** Loads the demo into the connection's current schema; returns row counts by table. */
export async function loadDemoIntoPostgres(
  connection: ResolvedConnection,
  options: LoadDemoOptions = {},
): Promise<Record<string, number>> {
  const client = await connectPostgres(connection);
  try {
    await client.query('BEGIN');
    const existing = await existingDemoTables(client);
    if (existing.length > 0 && !options.replace) {
      throw new R1flowError(
        'CONFIG_INVALID',
        `connection "${connection.name}" already has tables named ${existing.join(', ')}; ` +
          'pass --replace to drop them and load the demo afresh',
        { data: { connection: connection.name, tables: existing } },
      );
    }
    for (const table of [...DEMO_TABLES].reverse()) await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(postgresDemoDdl());
    const rows = generateDemoRows(createRandom(options.seed ?? DEMO_SEED));
    const counts: Record<string, number> = {};
    for (const table of DEMO_TABLES) {
      await insertRows(client, table, rows[table]);
      counts[table] = rows[table].length;
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await closePostgres(client);
  }
}

async function existingDemoTables(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ relname: string }>(
    `SELECT relname FROM pg_class
      WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f')
        AND relname = ANY($1) ORDER BY relname`,
    [[...DEMO_TABLES]],
  );
  return result.rows.map((row) => row.relname);
}

async function insertRows(client: pg.Client, table: string, rows: readonly Row[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map(
      (row) =>
        `(${row
          .map((value) => {
            params.push(value);
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await client.query(`INSERT INTO ${table} VALUES ${tuples.join(', ')}`, params);
  }
}
