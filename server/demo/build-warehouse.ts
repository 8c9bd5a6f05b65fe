// Builds the demo warehouse, a seeded SQLite file the README's examples and the demo replay
// (examples/replay/demo.jsonl) run against. Same seed, same rows on every machine.
//   node bin/run-ts.js server/demo/build-warehouse.ts [OUT.sqlite]
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { packagePath } from '../../engine/package-root.ts';
import { DEMO_DDL, DEMO_TABLES } from './demo-ddl.ts';
import { generateDemoRows } from './generate-demo-rows.ts';
import { createRandom } from './seeded-random.ts';

export const DEMO_SEED = 20240601;
/** Where the app looks for the demo warehouse (git-ignored; built when missing). */
export const DEMO_WAREHOUSE_PATH = packagePath('examples/warehouse/warehouse.sqlite');

export interface BuildOptions {
  seed?: number;
}

/** Writes a fresh demo warehouse at `path` (replacing any file there); returns row counts by table. */
export function buildDemoWarehouse(path: string, options: BuildOptions = {}): Record<string, number> {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  // Built beside the target and renamed into place, so a reader never sees half a warehouse.
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const db = new Database(partial);
  try {
    db.pragma('foreign_keys = ON');
    db.exec(DEMO_DDL);
    const rows = generateDemoRows(createRandom(options.seed ?? DEMO_SEED));
    const counts: Record<string, number> = {};
    db.transaction(() => {
      for (const table of DEMO_TABLES) {
        const tableRows = rows[table];
        const first = tableRows[0];
        if (!first) continue;
        const insert = db.prepare(`INSERT INTO ${table} VALUES (${first.map(() => '?').join(', ')})`);
        for (const row of tableRows) insert.run(row);
        counts[table] = tableRows.length;
      }
    })();
    db.exec('ANALYZE');
    db.close();
    renameSync(partial, target);
    return counts;
  } catch (error) {
    if (db.open) db.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Builds the demo warehouse at `path` unless a file is already there; returns the absolute path. */
export function ensureDemoWarehouse(path: string = DEMO_WAREHOUSE_PATH): string {
  const target = resolve(path);
  if (!existsSync(target)) buildDemoWarehouse(target);
  return target;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = process.argv[2] ?? DEMO_WAREHOUSE_PATH;
  const counts = buildDemoWarehouse(out);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  console.log(
    `demo warehouse ${resolve(out)}: ${total} rows (${Object.entries(counts)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')})`,
  );
}
