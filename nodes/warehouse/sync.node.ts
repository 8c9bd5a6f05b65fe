// warehouse.sync@1: copies new and changed rows from a SQLite file, a directory of CSV files or a
// PostgreSQL connection into the warehouse, a SQLite file or a PostgreSQL connection (a watermark
// per table, stored in the warehouse and advanced in the same transaction as the rows), then
// re-indexes the schema so schema.retrieve sees the new tables. Meant for schedules: re-running
// it copies only what the last run did not commit.
import { resolve } from 'node:path';
import type { NodeContext } from '../../engine/define-node.ts';
import { defineNode } from '../../engine/define-node.ts';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import type { Lookup } from '../../engine/host-settings.ts';
import { AnyValue, optional } from '../../engine/ports.ts';
import { DEFAULT_SCHEMA_INDEX_DIR, SCHEMA_INDEX_DIR_ENV } from '../schema/index-location.ts';
import { reindexWarehouse } from '../schema/reindex-warehouse.ts';
import { DEFAULT_WAREHOUSE } from '../schema/retrieve-schema.ts';
import type { WarehouseSource } from '../schema/warehouse-source.ts';
import { connectionWarehouse, indexPathFor, sqliteWarehouse } from '../schema/warehouse-source.ts';
import { resolveInDataDir } from './data-dir.ts';
import { WAREHOUSE_ENV } from './resolve-warehouse.ts';
import { type SyncParams, SyncParamsSchema, type SyncSourceSpec } from './sync-params.ts';
import type { SyncReport } from './sync-report.ts';
import { SyncReportPort } from './sync-report.ts';
import { syncWarehouse } from './sync-warehouse.ts';

export default defineNode({
  type: 'warehouse.sync',
  version: 1,
  title: 'Sync warehouse',
  family: 'warehouse',
  lane: 'io',
  description:
    'Copies new and changed rows from a SQLite file, CSV files or PostgreSQL into the warehouse (SQLite or ' +
    'PostgreSQL; a watermark per table, one transaction per table), then re-indexes the schema.',
  params: SyncParamsSchema,
  // Wire a trigger here (e.g. trigger.schedule's payload) to sync when it fires; the value is not used.
  inputs: { trigger: optional(AnyValue) },
  outputs: { report: SyncReportPort },
  async run({ params, ctx }) {
    const started = performance.now();
    // Checked before copying: a path outside the data directory fails the node with nothing written.
    const configuredIndexPath =
      params.indexPath === undefined
        ? undefined
        : resolveInDataDir('indexPath', params.indexPath, 'write', ctx.setting);
    const outcome = await syncWarehouse({
      source: confineSource(params.source, ctx.setting),
      warehouse:
        params.connection === undefined
          ? { kind: 'sqlite', path: locateSyncWarehouse(params, ctx.setting), create: params.createWarehouse }
          : { kind: 'postgres', connection: params.connection },
      connection: ctx.connection,
      include: params.include,
      batchSize: params.batchSize,
      signal: ctx.signal,
      onTableSynced: (table, done, total) =>
        ctx.progress({
          message: `synced ${table.table}: ${table.rowsCopied} rows copied (${done} of ${total} tables)`,
          fraction: done / total,
          data: table,
        }),
    });
    let reindex: SyncReport['reindex'] = null;
    if (params.reindex) {
      ctx.progress({ message: 're-indexing the schema' });
      const warehouse =
        params.connection === undefined
          ? sqliteWarehouse(outcome.warehouse)
          : connectionWarehouse(await ctx.connection(params.connection));
      const indexPath =
        configuredIndexPath ??
        indexPathFor(warehouse, ctx.setting(SCHEMA_INDEX_DIR_ENV) ?? DEFAULT_SCHEMA_INDEX_DIR);
      reindex = await reindexAfterSync(warehouse, resolve(indexPath), ctx);
    }
    return {
      report: {
        ...outcome,
        tablesCreated: outcome.tables.filter((table) => table.created).map((table) => table.table),
        rowsCopied: outcome.tables.reduce((sum, table) => sum + table.rowsCopied, 0),
        reindex,
        ms: Math.round(performance.now() - started),
      },
    };
  },
});

/** The flow's warehouse path is confined to the data directory; the host's setting and the demo are trusted. */
function locateSyncWarehouse(params: SyncParams, lookup: Lookup): string {
  if (params.warehouse !== undefined) return resolveInDataDir('warehouse', params.warehouse, 'write', lookup);
  return resolve(lookup(WAREHOUSE_ENV) ?? DEFAULT_WAREHOUSE);
}

/** A file source is only read: inside the data directory, or among the shipped examples. */
function confineSource(source: SyncSourceSpec, lookup: Lookup): SyncSourceSpec {
  if (source.kind === 'sqlite') {
    return { ...source, path: resolveInDataDir('source.path', source.path, 'read', lookup) };
  }
  if (source.kind === 'csv') {
    return { ...source, directory: resolveInDataDir('source.directory', source.directory, 'read', lookup) };
  }
  return source;
}

/** The rows are committed by now: a failed re-index says so, and a retry copies nothing twice. */
async function reindexAfterSync(
  warehouse: WarehouseSource,
  indexPath: string,
  ctx: Pick<NodeContext, 'signal' | 'logger'>,
): Promise<SyncReport['reindex']> {
  try {
    const { tablesIndexed, tablesUnchanged, tablesRemoved, tablesEmbedded, ms } = await reindexWarehouse(
      warehouse,
      { indexPath, signal: ctx.signal, warn: (message) => ctx.logger.warn(message) },
    );
    return { tablesIndexed, tablesUnchanged, tablesRemoved, tablesEmbedded, ms };
  } catch (error) {
    throw new R1flowError(
      isR1flowError(error) ? error.code : 'SCHEMA_INDEX_ERROR',
      `the rows were copied and committed, but re-indexing the schema failed: ${(error as Error).message}`,
      { cause: error, retryable: true },
    );
  }
}
