// Where a process keeps its state, chosen by the store's location: a postgres:// URL is a shared
// PostgreSQL store (several servers and workers on several machines), anything else a SQLite file.
// A URL carries its password, so whatever is said about a store location goes through
// storeLabel and errors are scrubbed of it.
import { displayUrl, scrubSecrets } from '../connection-redaction.ts';
import { isR1flowError, R1flowError } from '../errors.ts';
import { openPostgresStore } from './postgres/open-postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

const STORE_URL = /^postgres(ql)?:\/\//i;
/** Any `scheme://`: a location like this that is not PostgreSQL is a mistake, not a file name. */
const ANY_URL = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Whether `location` names a shared PostgreSQL store rather than a SQLite file. */
export function isStoreUrl(location: string): boolean {
  return STORE_URL.test(location);
}

/** The location as it may be logged or shown: a URL without its password or query. */
export function storeLabel(location: string): string {
  return isStoreUrl(location) ? displayUrl(location, 'a PostgreSQL store (unparsable URL)') : location;
}

export async function openStore(location: string): Promise<Store> {
  if (isStoreUrl(location)) return openPostgres(location);
  const scheme = ANY_URL.exec(location)?.[1];
  if (scheme) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `the store must be a SQLite file path or a postgres:// URL, not a ${scheme}:// URL`,
    );
  }
  return new SqliteStore(location);
}

/** Drivers quote what they were given in their errors: none of it may carry the password. */
async function openPostgres(url: string): Promise<Store> {
  try {
    return await openPostgresStore(url);
  } catch (error) {
    const message = scrubSecrets((error as Error).message ?? String(error), url);
    throw new R1flowError(
      isR1flowError(error) ? error.code : 'STORE_UNAVAILABLE',
      `cannot open the store ${storeLabel(url)}: ${message}`,
    );
  }
}
