// Where a warehouse's schema index lives. Not next to the warehouse: warehouses are often on
// read-only or shared storage (the Spider data here must never be written), so indexes go under
// the app's data directory, one file per warehouse path.
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';

/** Env var naming the directory for schema indexes; default `data/schema-index` (beside the store). */
export const SCHEMA_INDEX_DIR_ENV = 'R1FLOW_SCHEMA_INDEX_DIR';
export const DEFAULT_SCHEMA_INDEX_DIR = join('data', 'schema-index');

/** `<dir>/<warehouse name>-<hash of its absolute path>.r1flow-index.sqlite` */
export function defaultIndexPath(warehousePath: string, directory = DEFAULT_SCHEMA_INDEX_DIR): string {
  const absolute = resolve(warehousePath);
  const name = basename(absolute)
    .replace(/\.(sqlite3?|db)$/i, '')
    .replace(/[^A-Za-z0-9_.-]/g, '_');
  const hash = createHash('sha256').update(absolute).digest('hex').slice(0, 12);
  return resolve(directory, `${name}-${hash}.r1flow-index.sqlite`);
}

/** One Milvus collection per index file, named after it: `r1flow_schema_<hash>`. */
export function defaultMilvusCollection(indexPath: string): string {
  return `r1flow_schema_${createHash('sha256').update(resolve(indexPath)).digest('hex').slice(0, 16)}`;
}
