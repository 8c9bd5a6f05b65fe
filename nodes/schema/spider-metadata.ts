// Spider's tables.json: per database, the original and natural table/column names, Spider type
// words, primary keys and foreign keys by column index. SQL-R1 renders its prompt schema from
// this file rather than from SQLite, so we use it when a user supplies it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';

const ColumnRef = z.tuple([z.number().int(), z.string()]);

export const SpiderDatabaseSchema = z.object({
  db_id: z.string(),
  table_names_original: z.array(z.string()),
  table_names: z.array(z.string()),
  column_names_original: z.array(ColumnRef),
  column_names: z.array(ColumnRef),
  column_types: z.array(z.string()),
  /** A column index, or a list of indexes for a composite key. */
  primary_keys: z.array(z.union([z.number().int(), z.array(z.number().int())])),
  foreign_keys: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type SpiderDatabase = z.output<typeof SpiderDatabaseSchema>;

/** The tables.json entry for `dbId`, or undefined when the file has none. */
export function readSpiderDatabase(tablesJsonPath: string, dbId: string): SpiderDatabase | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(tablesJsonPath, 'utf8'));
  } catch (error) {
    throw new R1flowError('DATASET_INVALID', `cannot read Spider tables file ${tablesJsonPath}`, {
      cause: error,
      data: { path: tablesJsonPath },
    });
  }
  if (!Array.isArray(parsed)) {
    throw new R1flowError('DATASET_INVALID', `${tablesJsonPath} is not a JSON array of Spider databases`);
  }
  const entry = parsed.find((item: { db_id?: unknown }) => item?.db_id === dbId);
  if (entry === undefined) return undefined;
  const result = SpiderDatabaseSchema.safeParse(entry);
  if (!result.success) {
    throw new R1flowError('DATASET_INVALID', `${tablesJsonPath}: entry "${dbId}" is not Spider format`, {
      data: { issues: result.error.issues.slice(0, 5) },
    });
  }
  return result.data;
}

/**
 * Spider's mapping from a declared SQLite type to its type words (`preprocess/get_tables.py`),
 * used when no tables.json is given. The order of the checks is Spider's.
 */
export function spiderTypeOf(declaredType: string): string {
  const type = declaredType.toLowerCase();
  const has = (...words: string[]) => words.some((word) => type.includes(word));
  if (type === '' || has('char', 'text', 'var')) return 'text';
  if (has('int', 'numeric', 'decimal', 'number', 'id', 'real', 'double', 'float')) return 'number';
  if (has('date', 'time', 'year')) return 'time';
  if (has('boolean')) return 'boolean';
  return 'others';
}
