// What warehouse.sync@1 reports: per table what was read and copied and where its watermark
// stands, the tables it created, and the schema re-index that followed.
import { z } from 'zod';
import { definePortType } from '../../engine/ports.ts';
import { CellSchema } from '../types.ts';

const Count = z.number().int().min(0);

export const TableSyncSchema = z.object({
  table: z.string(),
  created: z.boolean(),
  /** Nullable source columns added to the warehouse table (ALTER TABLE ADD COLUMN). */
  columnsAdded: z.array(z.string()),
  mode: z.enum(['watermark', 'full', 'replace']),
  watermarkColumn: z.string().nullable(),
  /** The watermark after this sync; integers beyond 2^53 as strings, BLOBs as x'…'. */
  watermark: CellSchema,
  rowsRead: Count,
  /** Rows inserted or changed; an upserted row equal to the stored one does not count. */
  rowsCopied: Count,
  ms: z.number().min(0),
});
export type TableSync = z.output<typeof TableSyncSchema>;

export const ReindexSummarySchema = z.object({
  tablesIndexed: Count,
  tablesUnchanged: Count,
  tablesRemoved: Count,
  tablesEmbedded: Count,
  ms: z.number().min(0),
});

export const SyncReportSchema = z.object({
  /** `sqlite:<path>`, `csv:<directory>` or `postgres:<connection>/<schema>`. */
  source: z.string(),
  /** The SQLite file's path, or `connection:NAME` for a PostgreSQL warehouse. */
  warehouse: z.string(),
  tables: z.array(TableSyncSchema),
  tablesCreated: z.array(z.string()),
  rowsCopied: Count,
  /** null when the node's `reindex` param is off. */
  reindex: ReindexSummarySchema.nullable(),
  ms: z.number().min(0),
});
export type SyncReport = z.output<typeof SyncReportSchema>;

export const SyncReportPort = definePortType(
  'sync-report',
  SyncReportSchema,
  'Rows copied per table, tables created, durations and the schema re-index',
);
