// The copy half of warehouse.sync: open the source and the warehouse, check every table's schema
// against the warehouse before writing anything, then copy table by table, one transaction each.
// One transaction per table rather than one for all: a big sync does not hold the warehouse's
// write lock for its whole length, and when table 5 fails, tables 1-4 stay committed with their
// watermarks, so the retry copies only what is left. The error names the committed tables.
import type { ConnectionLookup } from '../../engine/connections.ts';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import { copyTable } from './copy-table.ts';
import { openCsvSource } from './csv-source.ts';
import { openPostgresSource } from './postgres-source.ts';
import { openPostgresTarget } from './postgres-target.ts';
import { compareTableSchemas, schemaChangedError } from './schema-changes.ts';
import { openSqliteSource } from './sqlite-source.ts';
import { openSqliteTarget } from './sqlite-target.ts';
import type { SyncSourceSpec } from './sync-params.ts';
import type { TableSync } from './sync-report.ts';
import type { SourceTable, SyncSource } from './sync-source.ts';
import type { SyncTarget } from './sync-target.ts';

/** A SQLite file (created when missing if `create`), or a named PostgreSQL connection. */
export type SyncWarehouseSpec =
  | { kind: 'sqlite'; path: string; create: boolean }
  | { kind: 'postgres'; connection: string };

export interface SyncRequest {
  source: SyncSourceSpec;
  warehouse: SyncWarehouseSpec;
  /** Resolves the connections the source and the warehouse name. */
  connection: ConnectionLookup;
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
  const source = await openSyncSource(request);
  try {
    const tables = selectTables(source, await source.listTables(), request.include);
    const warehouse = await openSyncTarget(request, source);
    try {
      await assertSchemasFit(warehouse, tables);
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
      await warehouse.close();
    }
  } finally {
    await source.close();
  }
}

async function openSyncSource(request: SyncRequest): Promise<SyncSource> {
  const spec = request.source;
  if (spec.kind === 'sqlite') return openSqliteSource(spec);
  if (spec.kind === 'csv') return openCsvSource(spec);
  return openPostgresSource(spec, await request.connection(spec.connection), request.batchSize);
}

async function openSyncTarget(request: SyncRequest, source: SyncSource): Promise<SyncTarget> {
  const spec = request.warehouse;
  if (spec.kind === 'sqlite') return openSqliteTarget(spec.path, spec.create, source.dialect);
  return openPostgresTarget(await request.connection(spec.connection), source.dialect);
}

/** Every source table, or those named; a source with nothing to copy has most likely gone. */
function selectTables(
  source: SyncSource,
  tables: readonly SourceTable[],
  include: readonly string[] | undefined,
): SourceTable[] {
  if (include === undefined) {
    if (tables.length > 0) return [...tables];
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

async function assertSchemasFit(warehouse: SyncTarget, tables: readonly SourceTable[]): Promise<void> {
  const misfits = [];
  for (const table of tables) {
    const existing = await warehouse.readTable(table.name);
    const { problems } = compareTableSchemas(table, existing, warehouse.columnType);
    if (problems.length > 0) misfits.push({ table: table.name, problems });
  }
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
      retryable: (isR1flowError(error) && error.retryable) || isTransient(cause.code),
      data: { ...(isR1flowError(error) ? error.data : {}), table, committed, notSynced },
    },
  );
}

/** SQLite's busy lock; PostgreSQL's lost connections (08…), shutdowns (57P…), deadlocks and serialization failures. */
function isTransient(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return code === 'SQLITE_BUSY' || /^(08|57P|40001|40P01)/.test(code);
}
