// Named connections for processes that are not the server: CLI commands (vote, eval, warehouse
// check) and queue workers open the same store and key as `r1flow start`, only when a node first
// asks for a connection, so a command that uses none never touches the store.
import { existsSync } from 'node:fs';
import { type ConnectionLookup, connectionNotFound } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { loadServerSecret } from '../auth/server-secret.ts';
import { dbPath } from '../cli/options.ts';
import { Connections } from './connections.ts';

export interface ClosableConnectionLookup {
  lookup: ConnectionLookup;
  /** Closes the store if a lookup opened it. */
  close(): Promise<void>;
}

/** Connections of the store at `path` (R1FLOW_SECRET_KEY or the secret.key beside it opens them). */
export function openConnectionLookup(path: string): ClosableConnectionLookup {
  let opened: { store: SqliteStore; connections: Connections } | undefined;
  return {
    async lookup(name) {
      if (!opened) {
        if (!existsSync(path)) {
          const error = connectionNotFound(name);
          throw new R1flowError(error.code, `${error.message}; there is no store at ${path}`, {
            data: { connection: name },
          });
        }
        const store = new SqliteStore(path);
        opened = { store, connections: new Connections(store.connections, () => loadServerSecret(path).key) };
      }
      return opened.connections.lookup(name);
    },
    async close() {
      await opened?.store.close();
      opened = undefined;
    },
  };
}

/** For commands with `--db`: the store they name, else R1FLOW_DB, else ./data/r1flow.db. */
export function connectionLookupFromFlags(values: { db?: string | undefined }): ClosableConnectionLookup {
  return openConnectionLookup(dbPath(values.db));
}

/**
 * A queue worker's connections: the store of `--db` or R1FLOW_DB; without either, a lookup that
 * says how to give the worker one (workers often run on hosts without the server's files).
 */
export function workerConnectionLookup(
  db: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): ClosableConnectionLookup {
  const path = db ?? environment.R1FLOW_DB;
  if (path) return openConnectionLookup(dbPath(path));
  return {
    async lookup(name) {
      throw new R1flowError(
        'CONNECTION_NOT_FOUND',
        `a node asked for connection "${name}", but this worker has no store to read connections from: ` +
          'start it with --db PATH (or R1FLOW_DB), the store `r1flow start` uses, with the same ' +
          'R1FLOW_SECRET_KEY or the secret.key beside that store',
        { data: { connection: name } },
      );
    },
    async close() {},
  };
}
