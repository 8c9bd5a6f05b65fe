// The SQLite store against the store contract: each test gets its own file in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-contract-'));
  const path = join(dir, 'r1flow.db');
  const handles: Store[] = [new SqliteStore(path)];
  return {
    store: handles[0]!,
    async connect() {
      const another = new SqliteStore(path);
      handles.push(another);
      return another;
    },
    async dispose() {
      for (const handle of handles) await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
