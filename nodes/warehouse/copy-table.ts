// One table's sync, in one warehouse transaction: create or widen the table, read the stored
// watermark, write the rows past it batch by batch (upsert by primary key, else append), store
// the new watermark, commit. Any failure rolls all of it back, so the table and its watermark
// stay as they were. Between batches the event loop gets a turn and a cancelled run stops (and
// rolls back).
import { R1flowError } from '../../engine/errors.ts';
import { encodeCell } from '../sql/sandbox/encode-cell.ts';
import { compareTableSchemas, schemaChangedError } from './schema-changes.ts';
import type { SqlValue } from './sql-value.ts';
import { compareSqlValues } from './sql-value.ts';
import type { TableSync } from './sync-report.ts';
import type { SourceTable, SyncSource } from './sync-source.ts';
import type { SyncTarget, TargetTransaction } from './sync-target.ts';

export interface CopyTableOptions {
  /** Rows written per batch, between turns of the event loop (and checks for cancellation). */
  batchSize: number;
  signal: AbortSignal;
}

export async function copyTable(
  warehouse: SyncTarget,
  source: SyncSource,
  table: SourceTable,
  options: CopyTableOptions,
): Promise<TableSync> {
  const started = performance.now();
  const result = await warehouse.transaction(table.name, (tx) =>
    copyInTransaction(tx, warehouse, source, table, options),
  );
  return { ...result, ms: Math.round(performance.now() - started) };
}

async function copyInTransaction(
  tx: TargetTransaction,
  warehouse: SyncTarget,
  source: SyncSource,
  table: SourceTable,
  options: CopyTableOptions,
): Promise<Omit<TableSync, 'ms'>> {
  const existing = await tx.readTable(table.name);
  // Checked before any write already; again here in case another sync changed the table since.
  const change = compareTableSchemas(table, existing, warehouse.columnType);
  if (change.problems.length > 0)
    throw schemaChangedError([{ table: table.name, problems: change.problems }]);
  const target = existing?.name ?? table.name;
  if (change.create) await tx.createTable(table);
  for (const column of change.addColumns) await tx.addColumn(target, column);

  // A recreated table, or a watermark on another column, starts again from the first row.
  const state = await tx.readState(source.id, table.name);
  const resume = existing !== undefined && state !== undefined && state.watermarkColumn === table.watermark;
  let watermark: SqlValue = resume ? state.value : null;
  if (table.mode === 'replace') await tx.clearTable(target);

  const write = tx.rowWriter(target, table);
  let rowsRead = 0;
  let rowsCopied = 0;
  let batch: SqlValue[][] = [];
  const flush = async () => {
    rowsCopied += await write(batch);
    batch = [];
    await betweenBatches(options.signal);
  };
  for await (const row of source.readRows(table, watermark)) {
    batch.push(row.values);
    rowsRead += 1;
    if (advances(source, row.watermark, watermark)) watermark = row.watermark;
    if (batch.length === options.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await tx.writeState(source.id, table.name, {
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

/** A sorted source's last row holds the watermark (its collation decides); otherwise the greatest. */
function advances(source: SyncSource, candidate: SqlValue, current: SqlValue): boolean {
  if (candidate === null) return false;
  return source.rowsInWatermarkOrder || compareSqlValues(candidate, current) > 0;
}

async function betweenBatches(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new R1flowError('NODE_CANCELLED', 'the sync was cancelled');
}
