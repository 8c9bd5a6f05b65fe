// Named connections for processes that are not the server: CLI commands (vote, eval, warehouse
// check) and queue workers open the same store and key as `r1flow start`, only when a node first
// asks for a connection, so a command that uses none never touches the store.
import { existsSync } from 'node:fs';
import { type ConnectionLookup, connectionNotFound } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { isStoreUrl, openStore } from '../../engine/store/open-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { loadServerSecret } from '../auth/server-secret.ts';
import { type StoreFlagValues, storeLocation } from '../cli/options.ts';
import { Connections } from './connections.ts';

export interface ClosableConnectionLookup {
  lookup: ConnectionLookup;
  /** Closes the store if a lookup opened it. */
  close(): Promise<void>;
}

/** Connections of the store at `location` (R1FLOW_SECRET_KEY or the store's secret.key opens them). */
export function openConnectionLookup(location: string): ClosableConnectionLookup {
  let opened: { store: Store; connections: Connections } | undefined;
  return {
    async lookup(name) {
      if (!opened) {
        if (!isStoreUrl(location) && !existsSync(location)) {
          const error = connectionNotFound(name);
          throw new R1flowError(error.code, `${error.message}; there is no store at ${location}`, {
            data: { connection: name },
          });
        }
        const store = await openStore(location);
        opened = {
          store,
          connections: new Connections(store.connections, () => loadServerSecret(location).key),
        };
      }
      return opened.connections.lookup(name);
    },
    async close() {
      await opened?.store.close();
      opened = undefined;
    },
  };
}

/** For commands with `--store` (or `--db`): the store they name, else R1FLOW_STORE, else ./data/r1flow.db. */
export function connectionLookupFromFlags(values: StoreFlagValues): ClosableConnectionLookup {
  return openConnectionLookup(storeLocation(values));
}

/**
 * A queue worker's connections: the store of `--store` or R1FLOW_STORE (or their older names
 * `--db`, R1FLOW_DB); without any, a lookup that says how to give the worker one (workers often
 * run on hosts without the server's files).
 */
export function workerConnectionLookup(
  flags: StoreFlagValues,
  environment: NodeJS.ProcessEnv = process.env,
): ClosableConnectionLookup {
  const given = [flags.store, flags.db, environment.R1FLOW_STORE, environment.R1FLOW_DB].some(Boolean);
  if (given) return openConnectionLookup(storeLocation(flags, environment));
  return {
    async lookup(name) {
      throw new R1flowError(
        'CONNECTION_NOT_FOUND',
        `a node asked for connection "${name}", but this worker has no store to read connections from: ` +
          'start it with --store PATH|URL (or R1FLOW_STORE), the store `r1flow start` uses, with the same ' +
          'R1FLOW_SECRET_KEY (or the secret.key beside that store file)',
        { data: { connection: name } },
      );
    },
    async close() {},
  };
}
