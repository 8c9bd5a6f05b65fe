// Placeholder for the PostgreSQL store: this build has none, so a postgres:// store location is
// refused with a clear error. The real store replaces this file (same signature).
import { R1flowError } from '../../errors.ts';
import type { Store } from '../store.ts';

export async function openPostgresStore(_url: string): Promise<Store> {
  throw new R1flowError('STORE_UNAVAILABLE', 'PostgreSQL store not built in');
}
