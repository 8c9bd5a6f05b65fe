// The schema Spider's parser resolves names against, built from a Spider `tables.json` entry
// the way Spider's preprocessing does (original table and column names, lower-cased), with
// process_sql.py's `Schema` ids: `__all__` for `*`, `__table.column__`, `__table__`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';

export interface SpiderSchema {
  /** Lower-cased table name → its lower-cased column names, in tables.json order. */
  readonly tables: ReadonlyMap<string, readonly string[]>;
  /** `*`, `table.column` and `table` → the id the parse uses. */
  readonly idMap: ReadonlyMap<string, string>;
}

const TablesEntrySchema = z.object({
  db_id: z.string(),
  table_names_original: z.array(z.string()),
  column_names_original: z.array(z.tuple([z.number().int(), z.string()])),
});
export type SpiderTablesEntry = z.output<typeof TablesEntrySchema>;

export function spiderSchemaFromTables(entry: SpiderTablesEntry): SpiderSchema {
  const tables = new Map<string, string[]>();
  entry.table_names_original.forEach((table, tableIndex) => {
    const columns = entry.column_names_original
      .filter(([owner]) => owner === tableIndex)
      .map(([, column]) => column.toLowerCase());
    tables.set(table.toLowerCase(), columns);
  });
  const idMap = new Map<string, string>([['*', '__all__']]);
  for (const [table, columns] of tables) {
    for (const column of columns) idMap.set(`${table}.${column}`, `__${table}.${column}__`);
  }
  for (const table of tables.keys()) idMap.set(table, `__${table}__`);
  return { tables, idMap };
}

/** Reads a Spider `tables.json`: one schema per `db_id`. */
export function loadSpiderSchemas(tablesJsonPath: string): Map<string, SpiderSchema> {
  let entries: SpiderTablesEntry[];
  try {
    entries = z.array(TablesEntrySchema).parse(JSON.parse(readFileSync(tablesJsonPath, 'utf8')));
  } catch (cause) {
    throw new R1flowError(
      'DATASET_INVALID',
      `${tablesJsonPath} is not a Spider tables.json (${cause instanceof Error ? cause.message : String(cause)})`,
      { path: tablesJsonPath, cause },
    );
  }
  return new Map(entries.map((entry) => [entry.db_id, spiderSchemaFromTables(entry)]));
}
