// A DuckDB warehouse as the re-index reads it: the file opened read-only and confined like the
// executor opens it, the catalog through introspect-duckdb.ts. A table's fingerprint is its
// columns with their types and its row count, so new rows (also in the files a view reads) and
// changed columns re-index it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { R1flowError } from '../../engine/errors.ts';
import { openDuckdbReadOnly } from '../sql/duckdb/duckdb-executor.ts';
import { quoteIdentifier } from './example-values.ts';
import { introspectDuckdb, listDuckdbTables } from './introspect-duckdb.ts';
import type { WarehouseReader } from './warehouse-reader.ts';

export async function openDuckdbReader(path: string): Promise<WarehouseReader> {
  if (!existsSync(path)) {
    throw new R1flowError('WAREHOUSE_NOT_FOUND', `warehouse file ${path} does not exist`, { data: { path } });
  }
  let instance: DuckDBInstance;
  try {
    instance = await openDuckdbReadOnly(path);
  } catch (error) {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `cannot open warehouse ${path}: ${(error as Error).message}`,
      {
        cause: error,
        data: { path },
      },
    );
  }
  const connection = await instance.connect();
  return {
    listTables: async () => (await listDuckdbTables(connection)).map((table) => table.reference),
    fingerprints: async (tables, salt) => {
      const prints = new Map<string, string>();
      for (const table of tables) prints.set(table, await fingerprint(connection, table, salt));
      return prints;
    },
    introspect: async (only, examplesPerColumn) =>
      (await introspectDuckdb(connection, examplesPerColumn, only)).tables,
    close: async () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function fingerprint(connection: DuckDBConnection, table: string, salt: string): Promise<string> {
  const hash = createHash('sha256').update(salt).update('\u0000').update(table);
  const listed = (await listDuckdbTables(connection)).find((entry) => entry.reference === table);
  if (listed === undefined) return hash.update('\u0000missing').digest('hex');
  const columns = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name
     ORDER BY ordinal_position`,
    { schema: listed.schema, name: listed.name },
  );
  const source = `${quoteIdentifier(listed.schema)}.${quoteIdentifier(listed.name)}`;
  const count = await connection.runAndReadAll(`SELECT count(*) FROM ${source}`);
  hash.update(JSON.stringify(columns.getRowsJson())).update(`\u0000${String(count.getRows()[0]?.[0])}`);
  return hash.digest('hex');
}
