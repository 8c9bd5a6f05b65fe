// Flow params name files only inside the data directory: warehouse.sync (warehouse, source,
// indexPath), schema.retrieve's warehouse and sql.execute's database refuse `..`, absolute paths
// elsewhere, symlinks that point out, and the store (with its WAL/SHM) and the secret key, each with
// PATH_OUTSIDE_DATA_DIR naming the param; nothing is created or changed outside.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ResourcePool } from '../../engine/resources.ts';
import { DEFAULT_WAREHOUSE } from '../../nodes/schema/retrieve-schema.ts';
import { DATA_DIR_ENV, resolveInDataDir, STORE_PATH_ENV } from '../../nodes/warehouse/data-dir.ts';
import { candidate, runExecuteNode } from '../nodes/sql/execute-node-harness.ts';
import { createTempWarehouse, type TempWarehouse } from '../nodes/sql/sandbox/temp-warehouse.ts';
import { createSyncWorkspace, type SyncWorkspace } from '../nodes/warehouse/sync-fixtures.ts';

let ws: SyncWorkspace;
/** A directory beside the data directory: what an attacker would like to read or write. */
let outside: TempWarehouse;
let dataDir: string;

beforeEach(() => {
  ws = createSyncWorkspace();
  outside = createTempWarehouse();
  dataDir = ws.path('data');
  mkdirSync(dataDir);
  ws.sqlite('data/source.sqlite', 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
});

afterEach(() => {
  ws.cleanup();
  outside.remove();
});

const hostSettings = (): Record<string, string> => ({
  [DATA_DIR_ENV]: dataDir,
  [STORE_PATH_ENV]: join(dataDir, 'r1flow.db'),
});
const inData = (name: string) => join(dataDir, name);

function syncInto(warehouse: string, extra: Record<string, unknown> = {}) {
  return ws.sync(
    { source: { kind: 'sqlite', path: inData('source.sqlite') }, warehouse, createWarehouse: true, ...extra },
    { settings: hostSettings() },
  );
}

describe('warehouse.sync@1 keeps its files in the data directory', () => {
  test('a warehouse inside the data directory syncs', async () => {
    const report = await syncInto(inData('w.sqlite'), { reindex: false });
    expect(report.rowsCopied).toBe(1);
  });

  test('`..` out of the data directory is refused before anything is written', async () => {
    // A string with the `..` in it (join() would normalise them away before the node sees them).
    const dotDot = `${dataDir}/../../${relative(join(dataDir, '..', '..'), outside.dir)}/made.sqlite`;
    expect(dotDot).toContain('/../');
    await expect(syncInto(dotDot)).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_DATA_DIR',
      data: { param: 'warehouse' },
    });
    expect(existsSync(join(outside.dir, 'made.sqlite'))).toBe(false);
  });

  test('an absolute path elsewhere is refused and the file there is left byte for byte', async () => {
    const before = outside.digest();
    const error = await syncInto(outside.path).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'warehouse' } });
    expect((error as Error).message).toMatch(/param "warehouse" names .*outside the data directory/);
    expect(outside.digest()).toBe(before);
  });

  test('a symlink inside the data directory pointing out is refused, also when its target does not exist yet', async () => {
    symlinkSync(outside.path, inData('link.sqlite'));
    symlinkSync(join(outside.dir, 'new.sqlite'), inData('dangling.sqlite'));
    symlinkSync(outside.dir, inData('linked-dir'));
    const before = outside.digest();
    for (const path of [inData('link.sqlite'), inData('dangling.sqlite'), inData('linked-dir/x.sqlite')]) {
      await expect(syncInto(path)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR' });
    }
    expect(outside.digest()).toBe(before);
    expect(existsSync(join(outside.dir, 'new.sqlite'))).toBe(false);
    expect(existsSync(join(outside.dir, 'x.sqlite'))).toBe(false);
  });

  test('the store, its WAL and SHM, and the secret key file are refused though they are inside', async () => {
    for (const name of ['r1flow.db', 'r1flow.db-wal', 'r1flow.db-shm', 'secret.key']) {
      writeFileSync(inData(name), '');
      await expect(syncInto(inData(name))).rejects.toMatchObject({
        code: 'PATH_OUTSIDE_DATA_DIR',
        message: expect.stringContaining("r1flow's own store or secret key"),
      });
    }
  });

  test('a source outside is refused naming source.path or source.directory', async () => {
    await expect(
      ws.sync(
        {
          source: { kind: 'sqlite', path: outside.path },
          warehouse: inData('w.sqlite'),
          createWarehouse: true,
        },
        { settings: hostSettings() },
      ),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'source.path' } });
    await expect(
      ws.sync(
        {
          source: { kind: 'csv', directory: outside.dir },
          warehouse: inData('w.sqlite'),
          createWarehouse: true,
        },
        { settings: hostSettings() },
      ),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'source.directory' } });
    expect(existsSync(inData('w.sqlite'))).toBe(false);
  });

  test('the store as a sync source is refused: a flow cannot copy r1flow.db into a warehouse it reads', async () => {
    ws.sqlite('data/r1flow.db', 'CREATE TABLE api_keys (hash TEXT)');
    await expect(
      ws.sync(
        {
          source: { kind: 'sqlite', path: inData('r1flow.db') },
          warehouse: inData('w.sqlite'),
          createWarehouse: true,
        },
        { settings: hostSettings() },
      ),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'source.path' } });
  });

  test('an indexPath outside is refused before any row is copied', async () => {
    await expect(
      syncInto(inData('w.sqlite'), { indexPath: join(outside.dir, 'index.sqlite') }),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'indexPath' } });
    expect(existsSync(inData('w.sqlite'))).toBe(false);
    expect(existsSync(join(outside.dir, 'index.sqlite'))).toBe(false);
  });

  test('the shipped examples may be read as a source, never written as a warehouse', async () => {
    const report = await ws.sync(
      {
        source: { kind: 'csv', directory: 'examples/sync-source' },
        warehouse: inData('w.sqlite'),
        createWarehouse: true,
        reindex: false,
      },
      { settings: hostSettings() },
    );
    expect(report.rowsCopied).toBeGreaterThan(0);
    await expect(syncInto(DEFAULT_WAREHOUSE)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR' });
  });
});

describe('sql.execute@1 runs candidates only on a database inside the data directory', () => {
  let resources: ResourcePool;
  beforeEach(() => {
    resources = new ResourcePool();
  });
  afterEach(() => resources.disposeAll());

  test('a database outside is refused with PATH_OUTSIDE_DATA_DIR naming schema.database', async () => {
    await expect(
      runExecuteNode({
        resources,
        database: outside.path,
        candidates: [candidate(0, 'SELECT name FROM singer')],
        settings: hostSettings(),
      }),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR', data: { param: 'schema.database' } });
  });

  test('the store itself is refused as a database', async () => {
    ws.sqlite('data/r1flow.db', 'CREATE TABLE api_keys (hash TEXT)');
    await expect(
      runExecuteNode({
        resources,
        database: inData('r1flow.db'),
        candidates: [candidate(0, 'SELECT * FROM api_keys')],
        settings: hostSettings(),
      }),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_DATA_DIR' });
  });

  test('the embedded demo warehouse stays readable', () => {
    expect(resolveInDataDir('warehouse', DEFAULT_WAREHOUSE, 'read', (name) => hostSettings()[name])).toMatch(
      /examples\/warehouse\/warehouse\.sqlite$/,
    );
  });
});

test('without R1FLOW_DATA_DIR the data directory is the store directory', () => {
  const lookup = (name: string) => (name === STORE_PATH_ENV ? join(dataDir, 'r1flow.db') : undefined);
  expect(resolveInDataDir('warehouse', inData('w.sqlite'), 'write', lookup)).toBe(inData('w.sqlite'));
  expect(() => resolveInDataDir('warehouse', outside.path, 'write', lookup)).toThrow(
    /outside the data directory/,
  );
});
