// Params of warehouse.sync@1; the descriptions are what the editor shows. Sources are a SQLite
// file, a directory of CSV files or a named PostgreSQL connection; the warehouse is a SQLite file
// or a named PostgreSQL connection (`connection`). A watermark must grow with every new or changed
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

const PostgresTableOptions = z.object({
  watermark: ColumnName.optional().describe(
    'Column whose growth marks new and changed rows (e.g. updated_at); overrides the source-wide one',
  ),
});

export const PostgresSourceSchema = z.object({
  kind: z.literal('postgres'),
  connection: z.string().min(1).describe('Named PostgreSQL connection to copy from (read-only)'),
  schema: z.string().min(1).default('public').describe('Schema whose tables are copied'),
  watermark: ColumnName.optional().describe(
    'Watermark column for every table that has it (e.g. updated_at); tables without one are read whole',
  ),
  tables: z.record(z.string(), PostgresTableOptions).default({}).describe('Per table: the watermark column'),
});

export const SyncSourceSpecSchema = z.discriminatedUnion('kind', [
  SqliteSourceSchema,
  CsvSourceSchema,
  PostgresSourceSchema,
]);
export type SyncSourceSpec = z.output<typeof SyncSourceSpecSchema>;
export type PostgresSourceSpec = z.output<typeof PostgresSourceSchema>;
export type SqliteSourceSpec = z.output<typeof SqliteSourceSchema>;
export type CsvSourceSpec = z.output<typeof CsvSourceSchema>;

export const SyncParamsSchema = z
  .object({
    source: SyncSourceSpecSchema,
    warehouse: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite warehouse file; default R1FLOW_WAREHOUSE or examples/warehouse/warehouse.sqlite'),
    connection: z
      .string()
      .min(1)
      .optional()
      .describe('Named PostgreSQL connection to sync into, instead of a SQLite warehouse file'),
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
  })
  .refine((params) => params.warehouse === undefined || params.connection === undefined, {
    message: 'give either warehouse (a SQLite file) or connection (PostgreSQL), not both',
    path: ['connection'],
  });
export type SyncParams = z.output<typeof SyncParamsSchema>;
