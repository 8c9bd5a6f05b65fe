// Where a warehouse's verified-examples index lives: one file per warehouse key (the schema
// context's `database`) under `<data dir>/examples-index`. The server writes it whenever the
// warehouse's examples change; examples.retrieve reads it. Both find it from the same settings.
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Lookup } from '../../engine/host-settings.ts';
import { dataDirectory } from '../warehouse/data-dir.ts';

export const EXAMPLES_INDEX_FOLDER = 'examples-index';

/** `<data dir>/examples-index/<name>-<hash of the key>.r1flow-examples.sqlite` */
export function examplesIndexPath(warehouse: string, setting: Lookup): string {
  const name = basename(warehouse.replace(/^connection:/, ''))
    .replace(/\.(sqlite3?|db|duckdb)$/i, '')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 64);
  const hash = createHash('sha256').update(warehouse).digest('hex').slice(0, 12);
  return join(dataDirectory(setting), EXAMPLES_INDEX_FOLDER, `${name}-${hash}.r1flow-examples.sqlite`);
}
