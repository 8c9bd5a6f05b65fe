// The PostgreSQL store against the store contract: one real PostgreSQL server for the file, a
// fresh database per test; `connect()` opens a second store on that database, as another server would.
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../../engine/store/postgres/open-postgres-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { describeStoreContract } from './store-contract.ts';

let server: PostgresServer;
let databases = 0;

beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.close();
});

describeStoreContract('PostgreSQL', async () => {
  const name = `contract_${++databases}`;
  const url = await server.createDatabase(name);
  const handles: Store[] = [await openPostgresStore(url)];
  return {
    store: handles[0]!,
    async connect() {
      const another = await openPostgresStore(url);
      handles.push(another);
      return another;
    },
    async dispose() {
      for (const handle of handles) await handle.close();
      await server.query(`DROP DATABASE ${name}`);
    },
  };
});
