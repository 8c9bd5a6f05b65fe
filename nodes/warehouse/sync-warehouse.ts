// The copy half of warehouse.sync: open the source, check every table's schema against the
// warehouse before writing anything, then copy table by table, one transaction each. One
// transaction per table rather than one for all: a big sync does not hold the warehouse's write
// lock for its whole length, and when table 5 fails, tables 1-4 stay committed with their
// watermarks, so the retry copies only what is left. The error names the committed tables.
// Foreign keys are off on the warehouse connection: real data violates them (Spider's flight_2
// fails foreign_key_check 2,400 times) and a copy must not be stricter than its source.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import { copyTable } from './copy-table.ts';
import { openCsvSource } from './csv-source.ts';
import { resolveWarehousePath } from './resolve-warehouse.ts';
import { compareTableSchemas, schemaChangedError } from './schema-changes.ts';
import { openSqliteSource } from './sqlite-source.ts';
import type { SyncSourceSpec } from './sync-params.ts';
import type { TableSync } from './sync-report.ts';
import type { SourceTable, SyncSource } from './sync-source.ts';
import { readWarehouseTable } from './warehouse-tables.ts';

export interface SyncRequest {
  source: SyncSourceSpec;
  warehousePath: string;
  /** Create the warehouse file when missing; otherwise a missing one is WAREHOUSE_NOT_FOUND. */
  createWarehouse: boolean;
  /** Only these source tables; default all. */
  include?: readonly string[] | undefined;
  batchSize: number;
  signal: AbortSignal;
  /** Called after each table commits. */
  onTableSynced?: (result: TableSync, done: number, total: number) => void;
}

export interface SyncOutcome {
  source: string;
  warehouse: string;
  tables: TableSync[];
}

export async function syncWarehouse(request: SyncRequest): Promise<SyncOutcome> {
  const source = openSyncSource(request.source);
  try {
    const tables = selectTables(source, request.include);
    const warehouse = openWarehouse(request.warehousePath, request.createWarehouse);
    try {
      assertSchemasFit(warehouse, tables);
      const synced: TableSync[] = [];
      for (const table of tables) {
        try {
          if (request.signal.aborted) throw new R1flowError('NODE_CANCELLED', 'the sync was cancelled');
          synced.push(await copyTable(warehouse, source, table, request));
        } catch (error) {
          throw stoppedAt(error, table.name, synced, tables);
        }
        request.onTableSynced?.(synced.at(-1) as TableSync, synced.length, tables.length);
      }
      return { source: source.id, warehouse: warehouse.name, tables: synced };
    } finally {
      warehouse.close();
    }
  } finally {
    source.close();
  }
}

export function openSyncSource(spec: SyncSourceSpec): SyncSource {
  return spec.kind === 'sqlite' ? openSqliteSource(spec) : openCsvSource(spec);
}

/** Every source table, or those named; a source with nothing to copy has most likely gone. */
function selectTables(source: SyncSource, include: readonly string[] | undefined): SourceTable[] {
  const tables = source.listTables();
  if (include === undefined) {
    if (tables.length > 0) return tables;
    throw new R1flowError('SYNC_SOURCE_MISSING', `the sync source ${source.id} has no tables`, {
      data: { source: source.id },
    });
  }
  return include.map((name) => {
    const table = tables.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (table !== undefined) return table;
    throw new R1flowError(
      'SYNC_SOURCE_MISSING',
      `table "${name}" is missing from the sync source ${source.id}`,
      {
        data: { source: source.id, table: name },
      },
    );
  });
}

function openWarehouse(path: string, create: boolean): Database.Database {
  if (create && !existsSync(path)) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(create ? path : resolveWarehousePath(path));
  db.pragma('foreign_keys = OFF');
  return db;
}

function assertSchemasFit(warehouse: Database.Database, tables: readonly SourceTable[]): void {
  const misfits = tables
    .map((table) => ({
      table: table.name,
      problems: compareTableSchemas(table, readWarehouseTable(warehouse, table.name)).problems,
    }))
    .filter(({ problems }) => problems.length > 0);
  if (misfits.length > 0) throw schemaChangedError(misfits);
}

/** The table's error, plus which tables committed before it and which were not reached. */
function stoppedAt(
  error: unknown,
  table: string,
  synced: readonly TableSync[],
  tables: readonly SourceTable[],
): R1flowError {
  const committed = synced.map((result) => result.table);
  const notSynced = tables.slice(synced.length + 1).map((candidate) => candidate.name);
  const cause = error as { code?: unknown; message?: string };
  const code = isR1flowError(error)
    ? error.code
    : cause.code === 'ENOENT'
      ? 'SYNC_SOURCE_MISSING'
      : 'SYNC_FAILED';
  const committedText =
    committed.length > 0 ? `committed before it: ${committed.join(', ')}` : 'no table committed';
  const notSyncedText = notSynced.length > 0 ? `; not reached: ${notSynced.join(', ')}` : '';
  return new R1flowError(
    code,
    `table "${table}" was left as it was (${cause.message ?? String(error)}); ${committedText}${notSyncedText}`,
    {
      cause: error,
      retryable: (isR1flowError(error) && error.retryable) || cause.code === 'SQLITE_BUSY',
      data: { ...(isR1flowError(error) ? error.data : {}), table, committed, notSynced },
    },
  );
}
