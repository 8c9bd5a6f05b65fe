// One table's sync, in one warehouse transaction: create or widen the table, read the stored
// watermark, write the rows past it (upsert by primary key, else append), store the new
// watermark, commit. Any failure rolls all of it back, so the table and its watermark stay as
// they were. BEGIN IMMEDIATE takes the write lock before the watermark is read, so two syncs of
// one warehouse cannot copy the same rows twice. Between batches the event loop gets a turn and
// a cancelled run stops (and rolls back).
import type Database from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import { quoteIdentifier } from '../schema/example-values.ts';
import { encodeCell } from '../sql/sandbox/encode-cell.ts';
import { compareTableSchemas, schemaChangedError } from './schema-changes.ts';
import type { SqlValue } from './sql-value.ts';
import { compareSqlValues } from './sql-value.ts';
import type { TableSync } from './sync-report.ts';
import type { SourceTable, SyncSource } from './sync-source.ts';
import { ensureSyncStateTable, readSyncState, writeSyncState } from './sync-state.ts';
import { addColumnSql, readWarehouseTable } from './warehouse-tables.ts';

export interface CopyTableOptions {
  /** Rows written between turns of the event loop (and checks for cancellation). */
  batchSize: number;
  signal: AbortSignal;
}

export async function copyTable(
  warehouse: Database.Database,
  source: SyncSource,
  table: SourceTable,
  options: CopyTableOptions,
): Promise<TableSync> {
  const started = performance.now();
  warehouse.exec('BEGIN IMMEDIATE');
  try {
    const result = await copyInTransaction(warehouse, source, table, options);
    warehouse.exec('COMMIT');
    return { ...result, ms: Math.round(performance.now() - started) };
  } catch (error) {
    if (warehouse.inTransaction) warehouse.exec('ROLLBACK');
    throw error;
  }
}

async function copyInTransaction(
  warehouse: Database.Database,
  source: SyncSource,
  table: SourceTable,
  options: CopyTableOptions,
): Promise<Omit<TableSync, 'ms'>> {
  ensureSyncStateTable(warehouse);
  const existing = readWarehouseTable(warehouse, table.name);
  // Checked before any write already; again here in case another sync changed the table since.
  const change = compareTableSchemas(table, existing);
  if (change.problems.length > 0)
    throw schemaChangedError([{ table: table.name, problems: change.problems }]);
  const target = existing?.name ?? table.name;
  if (change.create) warehouse.exec(table.createSql);
  for (const column of change.addColumns) warehouse.exec(addColumnSql(target, column));

  // A recreated table, or a watermark on another column, starts again from the first row.
  const state = readSyncState(warehouse, source.id, table.name);
  const resume = existing !== undefined && state !== undefined && state.watermarkColumn === table.watermark;
  let watermark: SqlValue = resume ? state.value : null;
  if (table.mode === 'replace') warehouse.exec(`DELETE FROM ${quoteIdentifier(target)}`);

  const write = prepareRowWriter(warehouse, target, table);
  let rowsRead = 0;
  let rowsCopied = 0;
  for (const row of source.readRows(table, watermark)) {
    rowsCopied += write(row.values);
    rowsRead += 1;
    if (compareSqlValues(row.watermark, watermark) > 0) watermark = row.watermark;
    if (rowsRead % options.batchSize === 0) await betweenBatches(options.signal);
  }
  writeSyncState(warehouse, source.id, table.name, {
    watermarkColumn: table.watermark,
    value: watermark,
    rowsCopied: (state?.rowsCopied ?? 0) + rowsCopied,
  });
  return {
    table: table.name,
    created: change.create,
    columnsAdded: change.addColumns.map((column) => column.name),
    mode: table.mode,
    watermarkColumn: table.watermark,
    watermark: encodeCell(watermark),
    rowsRead,
    rowsCopied,
  };
}

/** Returns how many rows a source row inserted or changed (0 when the stored row is equal). */
function prepareRowWriter(
  db: Database.Database,
  target: string,
  table: SourceTable,
): (values: SqlValue[]) => number {
  const columns = table.columns.map((column) => quoteIdentifier(column.name));
  const upsert = table.mode !== 'replace' && table.primaryKey.length > 0;
  const statement = db.prepare(
    `INSERT INTO ${quoteIdentifier(target)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})` +
      (upsert ? upsertClause(target, table) : ''),
  );
  return (values) => statement.run(values).changes;
}

/** Changed rows replace the stored ones; the WHERE leaves equal rows untouched so they do not count. */
function upsertClause(target: string, table: SourceTable): string {
  const key = table.primaryKey.map(quoteIdentifier).join(', ');
  const others = table.columns
    .filter((column) => !table.primaryKey.includes(column.name))
    .map((column) => quoteIdentifier(column.name));
  if (others.length === 0) return ` ON CONFLICT (${key}) DO NOTHING`;
  const stored = others.map((column) => `${quoteIdentifier(target)}.${column}`).join(', ');
  const incoming = others.map((column) => `excluded.${column}`).join(', ');
  const assignments = others.map((column) => `${column} = excluded.${column}`).join(', ');
  return ` ON CONFLICT (${key}) DO UPDATE SET ${assignments} WHERE (${stored}) IS NOT (${incoming})`;
}

async function betweenBatches(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new R1flowError('NODE_CANCELLED', 'the sync was cancelled');
}
