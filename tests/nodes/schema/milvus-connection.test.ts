import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { connectionNotFound } from '../../../engine/connections.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { milvusAddressOf } from '../../../nodes/schema/milvus-connection.ts';
import retrieveNode from '../../../nodes/schema/retrieve.node.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { makeTempDir } from './spider-files.ts';

const milvus = (url: string): ResolvedConnection => ({ name: 'vectors', kind: 'milvus', url });

describe('a milvus connection as the Milvus client takes it', () => {
  it('reads the address, TLS and the token from the URL', () => {
    expect(milvusAddressOf(milvus('milvus://10.0.0.5:19531'))).toEqual({ address: '10.0.0.5:19531' });
    expect(milvusAddressOf(milvus('http://milvus.local'))).toEqual({ address: 'milvus.local:19530' });
    expect(milvusAddressOf(milvus('https://cloud.example:443?token=k3y'))).toEqual({
      address: 'https://cloud.example:443',
      token: 'k3y',
    });
    expect(milvusAddressOf(milvus('milvus://root:p%40ss@127.0.0.1:19530'))).toEqual({
      address: '127.0.0.1:19530',
      token: 'root:p@ss',
    });
  });

  it('refuses another kind or a URL it cannot read, naming the connection and not the URL', () => {
    expect(() => milvusAddressOf({ name: 'shop', kind: 'postgres', url: 'postgres://u:pw@h/db' })).toThrow(
      'connection "shop" (kind postgres) is not a milvus connection',
    );
    for (const url of ['ftp://h:1', 'not a url secret-pw']) {
      try {
        milvusAddressOf(milvus(url));
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).toBe(
          'connection "vectors" has no valid Milvus URL (milvus://host:port)',
        );
      }
    }
  });
});

describe("schema.retrieve@1's milvusConnection", () => {
  const temp = makeTempDir('milvus-connection');
  const warehouse = join(temp.dir, 'warehouse.sqlite');
  const pool = new ResourcePool();
  beforeAll(() => buildDemoWarehouse(warehouse));
  afterAll(async () => {
    await pool.disposeAll();
    temp.cleanup();
  });

  function run(params: Record<string, unknown>) {
    const connections: Record<string, ResolvedConnection> = {
      vectors: milvus('milvus://127.0.0.1:1'),
      shop: { name: 'shop', kind: 'postgres', url: 'postgres://u:pw@127.0.0.1:1/shop' },
    };
    const settings = settingsFrom({ R1FLOW_SCHEMA_INDEX_DIR: temp.dir, R1FLOW_DATA_DIR: temp.dir });
    const ctx = createNodeContext({
      resources: pool,
      settings: {
        ...settings,
        connection: async (name) => connections[name] ?? Promise.reject(connectionNotFound(name)),
      },
    });
    const parsed = retrieveNode.params.parse({ warehouse, useEmbeddings: 'off', ...params });
    return retrieveNode.run({ params: parsed, inputs: { question: 'q' }, ctx });
  }

  it("needs vectorStore 'milvus'", () => {
    const result = retrieveNode.params.safeParse({ milvusConnection: 'vectors' });
    expect(result.error?.issues[0]?.message).toBe("milvusConnection needs vectorStore 'milvus'");
  });

  it('fails the node when the name is unknown or names another kind', async () => {
    await expect(run({ vectorStore: 'milvus', milvusConnection: 'nope' })).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
    await expect(run({ vectorStore: 'milvus', milvusConnection: 'shop' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'connection "shop" (kind postgres) is not a milvus connection',
    });
  });

  const sdkInstalled = (() => {
    try {
      createRequire(import.meta.url).resolve('@zilliz/milvus2-sdk-node');
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(sdkInstalled)(
    'goes to the Milvus client with the address of the connection, not MILVUS_ADDRESS',
    async () => {
      // Without the SDK the node stops where it would connect: past resolving the connection.
      await expect(run({ vectorStore: 'milvus', milvusConnection: 'vectors' })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('the Milvus vector store needs @zilliz/milvus2-sdk-node'),
      });
    },
  );
});
