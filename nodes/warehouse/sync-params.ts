// Params of warehouse.sync@1; the descriptions are what the editor shows. Sources are a SQLite
// file or a directory of CSV files. Postgres is not offered: no Postgres client library ships
// with r1flow, so it could not be tested here. A watermark must grow with every new or changed
// row: a sync reads rows strictly past the last value it committed, so a row that arrives later
// with a value at or below it is not seen (use a key without a watermark to read every row).
// Deleted source rows are not deleted from the warehouse, except by a table's whole reload.
import { z } from 'zod';

const ColumnName = z.string().min(1);

const SqliteTableOptions = z.object({
  watermark: ColumnName.optional().describe(
    "Column whose growth marks new and changed rows (e.g. updated_at); default SQLite's rowid, which sees new rows only",
  ),
});

const CsvTableOptions = z.object({
  watermark: ColumnName.optional().describe(
    'Column whose growth marks new and changed rows; without it every row is read each time',
  ),
  key: z
    .array(ColumnName)
    .min(1)
    .optional()
    .describe('Primary key: changed rows replace old ones; without key or watermark the table is reloaded'),
});

export const SqliteSourceSchema = z.object({
  kind: z.literal('sqlite'),
  path: z.string().min(1).describe('SQLite file to copy from (read-only)'),
  tables: z.record(z.string(), SqliteTableOptions).default({}).describe('Per table: the watermark column'),
});

export const CsvSourceSchema = z.object({
  kind: z.literal('csv'),
  directory: z
    .string()
    .min(1)
    .describe('Directory of CSV files, one a table (orders.csv → orders), header row first'),
  delimiter: z.string().length(1).default(',').describe('Field separator'),
  tables: z.record(z.string(), CsvTableOptions).default({}).describe('Per table: watermark column and key'),
});

export const SyncSourceSpecSchema = z.discriminatedUnion('kind', [SqliteSourceSchema, CsvSourceSchema]);
export type SyncSourceSpec = z.output<typeof SyncSourceSpecSchema>;
export type SqliteSourceSpec = z.output<typeof SqliteSourceSchema>;
export type CsvSourceSpec = z.output<typeof CsvSourceSchema>;

export const SyncParamsSchema = z.object({
  source: SyncSourceSpecSchema,
  warehouse: z
    .string()
    .min(1)
    .optional()
    .describe('SQLite warehouse file; default R1FLOW_WAREHOUSE or examples/warehouse/warehouse.sqlite'),
  createWarehouse: z
    .boolean()
    .default(false)
    .describe('Create the warehouse file when it does not exist (off: a mistyped path fails instead)'),
  include: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Only these source tables; default every table, new ones included'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1000)
    .describe('Rows written between checks for cancellation'),
  reindex: z.boolean().default(true).describe('Re-index the schema for schema.retrieve after copying'),
  indexPath: z
    .string()
    .min(1)
    .optional()
    .describe('Schema index file; default under R1FLOW_SCHEMA_INDEX_DIR or data/schema-index'),
});
export type SyncParams = z.output<typeof SyncParamsSchema>;
