import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openMilvusStore } from '../../../nodes/schema/milvus-vector-store.ts';
import { SqliteVecStore } from '../../../nodes/schema/sqlite-vec-store.ts';
import { makeTempDir } from './spider-files.ts';
import { vectorStoreContract } from './vector-store.contract.ts';

describe('sqlite-vec vector store', () => {
  vectorStoreContract(async () => {
    const temp = makeTempDir('vec');
    const db = new Database(join(temp.dir, 'index.sqlite'));
    return {
      store: new SqliteVecStore(db),
      cleanup: async () => {
        db.close();
        temp.cleanup();
      },
    };
  });
});

// Milvus cannot run on this machine (no Docker); point MILVUS_ADDRESS at a server to run these.
const milvusAddress = process.env.MILVUS_ADDRESS;
describe.skipIf(!milvusAddress)('Milvus vector store (skipped: set MILVUS_ADDRESS=host:19530 to run)', () => {
  let collections = 0;
  vectorStoreContract(async () => {
    const collection = `r1flow_contract_${process.pid}_${collections++}`;
    const token = process.env.MILVUS_TOKEN;
    const store = await openMilvusStore({
      address: milvusAddress ?? '',
      collection,
      ...(token ? { token } : {}),
    });
    await store.clear();
    return {
      store,
      cleanup: async () => {
        await store.clear();
        await store.close();
      },
    };
  });
});

function milvusSdkInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@zilliz/milvus2-sdk-node');
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(milvusSdkInstalled())('Milvus without its SDK', () => {
  it('says which package to install', async () => {
    await expect(openMilvusStore({ address: '127.0.0.1:19530', collection: 'c' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('npm install @zilliz/milvus2-sdk-node'),
    });
  });
});

describe('Milvus options', () => {
  it('a collection name Milvus would refuse is refused before connecting', async () => {
    await expect(
      openMilvusStore({ address: '127.0.0.1:19530', collection: 'bad-name' }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
