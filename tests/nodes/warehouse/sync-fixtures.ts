// Temp dirs with real SQLite files and CSV files, and warehouse.sync@1 run the way the engine runs it.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConnectionLookup } from '../../../engine/connections.ts';
import type { NodeProgress } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { SCHEMA_INDEX_DIR_ENV } from '../../../nodes/schema/index-location.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';
import syncNode from '../../../nodes/warehouse/sync.node.ts';
import type { SyncReport } from '../../../nodes/warehouse/sync-report.ts';

export interface SyncWorkspace {
  dir: string;
  path(name: string): string;
  /** A SQLite file built by `sql`. */
  sqlite(name: string, sql: string): string;
  /** Runs SQL on an existing file. */
  exec(file: string, sql: string): void;
  query<T = Record<string, unknown>>(file: string, sql: string): T[];
  write(name: string, text: string): string;
  /** Runs warehouse.sync@1 with this workspace as the data directory (unless `settings` says otherwise). */
  sync(params: Record<string, unknown>, options?: SyncRunOptions): Promise<SyncReport>;
  cleanup(): void;
}

export interface SyncRunOptions {
  signal?: AbortSignal;
  progress?: NodeProgress[];
  /** Host settings the node sees, over the workspace's defaults. */
  settings?: Record<string, string>;
  /** The host's named connections (PostgreSQL sources and warehouses). */
  connection?: ConnectionLookup;
}

export function createSyncWorkspace(): SyncWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-sync-'));
  const path = (name: string) => join(dir, name);
  const exec = (file: string, sql: string) => {
    const db = new Database(file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  return {
    dir,
    path,
    sqlite(name, sql) {
      exec(path(name), sql);
      return path(name);
    },
    exec,
    query<T>(file: string, sql: string) {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    },
    write(name, text) {
      writeFileSync(path(name), text);
      return path(name);
    },
    async sync(params, options = {}) {
      const settings = settingsFrom({
        [SCHEMA_INDEX_DIR_ENV]: path('schema-index'),
        [DATA_DIR_ENV]: dir,
        ...options.settings,
      });
      const ctx = createNodeContext({
        settings: options.connection ? { ...settings, connection: options.connection } : settings,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (update) => options.progress?.push(update),
      });
      const output = await syncNode.run({ params: syncNode.params.parse(params), inputs: {}, ctx });
      return output.report;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
