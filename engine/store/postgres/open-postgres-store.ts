// Opens the PostgreSQL store at `url` (postgres://user:password@host:port/database): connects a
// pool, applies the schema steps it lacks (safe when several servers start at once) and answers
// the store. An unreachable server is STORE_UNAVAILABLE, naming the address without its password.
import { R1flowError } from '../../errors.ts';
import type { Store } from '../store.ts';
import { PostgresDatabase } from './postgres-database.ts';
import { migratePostgres } from './postgres-migrations.ts';
import { PostgresStore } from './postgres-store.ts';

export async function openPostgresStore(url: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new R1flowError(
      'CONFIG_INVALID',
      'a PostgreSQL store URL starts with postgres:// or postgresql://',
    );
  }
  const db = new PostgresDatabase(url);
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return new PostgresStore(db);
}
