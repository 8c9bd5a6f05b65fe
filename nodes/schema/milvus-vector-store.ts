// Vectors in a Milvus collection, for deployments whose schema index outgrows one file.
// `@zilliz/milvus2-sdk-node` is not a dependency of r1flow (it pulls ~128 packages): a user who
// picks Milvus installs it, and it is loaded by dynamic import() only then. The SDK is seen
// through the narrow interface below, checked when the module loads.
import { R1flowError } from '../../engine/errors.ts';
import type { VectorHit, VectorRecord, VectorStore } from './vector-store.ts';

export interface MilvusStoreOptions {
  /** `host:port` of the Milvus server (gRPC), e.g. `127.0.0.1:19530`. */
  address: string;
  /** API token (`user:password` or a Zilliz Cloud key); none for an open server. */
  token?: string;
  /** Letters, digits and _; one collection per schema index. */
  collection: string;
}

interface MilvusStatus {
  error_code: string | number;
  reason: string;
  code?: number;
}

// A type alias, not an interface: the SDK's row type has an index signature.
type MilvusRow = { id: number; vector: number[]; table_name: string };

/** The few SDK methods we use, typed from the SDK's own d.ts (MilvusClient, v2.4+). */
interface MilvusApi {
  hasCollection(req: { collection_name: string }): Promise<{ status: MilvusStatus; value: unknown }>;
  createCollection(req: {
    collection_name: string;
    dimension: number;
    metric_type: string;
    consistency_level: string;
    auto_id: boolean;
  }): Promise<MilvusStatus>;
  dropCollection(req: { collection_name: string }): Promise<MilvusStatus>;
  upsert(req: { collection_name: string; data: MilvusRow[] }): Promise<{ status: MilvusStatus }>;
  delete(req: { collection_name: string; filter: string }): Promise<{ status: MilvusStatus }>;
  search(req: { collection_name: string; data: number[]; limit: number; output_fields: string[] }): Promise<{
    status: MilvusStatus;
    results: { id: string | number; score: number; table_name?: unknown }[];
  }>;
  count(req: { collection_name: string }): Promise<{ status: MilvusStatus; data: number }>;
  closeConnection(): Promise<unknown>;
}

type MilvusClientClass = new (config: { address: string; token?: string }) => MilvusApi;

const SDK_MODULE = '@zilliz/milvus2-sdk-node';
const COLLECTION_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export async function openMilvusStore(options: MilvusStoreOptions): Promise<VectorStore> {
  if (!COLLECTION_PATTERN.test(options.collection)) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `Milvus collection name "${options.collection}" must use letters, digits and _`,
    );
  }
  const MilvusClient = await loadSdk();
  const config =
    options.token === undefined
      ? { address: options.address }
      : { address: options.address, token: options.token };
  return new MilvusVectorStore(new MilvusClient(config), options.collection);
}

async function loadSdk(): Promise<MilvusClientClass> {
  let sdk: { MilvusClient?: unknown };
  try {
    // A variable specifier keeps TypeScript from resolving a package that is not installed.
    const specifier: string = SDK_MODULE;
    sdk = (await import(specifier)) as { MilvusClient?: unknown };
  } catch (error) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `the Milvus vector store needs ${SDK_MODULE}: run \`npm install ${SDK_MODULE}\` (r1flow does not bundle it)`,
      { cause: error },
    );
  }
  if (typeof sdk.MilvusClient !== 'function') {
    throw new R1flowError(
      'CONFIG_INVALID',
      `${SDK_MODULE} has no MilvusClient export; install version 2.4 or later`,
    );
  }
  return sdk.MilvusClient as MilvusClientClass;
}

class MilvusVectorStore implements VectorStore {
  readonly kind = 'milvus';
  readonly #client: MilvusApi;
  readonly #collection: string;

  constructor(client: MilvusApi, collection: string) {
    this.#client = client;
    this.#collection = collection;
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    const first = records[0];
    if (!first) return;
    await this.#ensureCollection(first.vector.length);
    const data = records.map((record) => ({
      id: record.id,
      vector: [...record.vector],
      table_name: record.table,
    }));
    check((await this.#client.upsert({ collection_name: this.#collection, data })).status, 'upsert');
  }

  async deleteByTable(table: string): Promise<void> {
    if (!(await this.#exists())) return;
    const filter = `table_name == ${JSON.stringify(table)}`;
    check((await this.#client.delete({ collection_name: this.#collection, filter })).status, 'delete');
  }

  async query(vector: readonly number[], topK: number): Promise<VectorHit[]> {
    if (topK <= 0 || !(await this.#exists())) return [];
    const response = await this.#client.search({
      collection_name: this.#collection,
      data: [...vector],
      limit: topK,
      output_fields: ['table_name'],
    });
    check(response.status, 'search');
    // With the COSINE metric Milvus reports the similarity itself as the score.
    return response.results.map((hit) => ({
      id: Number(hit.id),
      table: String(hit.table_name),
      similarity: hit.score,
    }));
  }

  async count(): Promise<number> {
    if (!(await this.#exists())) return 0;
    const response = await this.#client.count({ collection_name: this.#collection });
    check(response.status, 'count');
    return response.data;
  }

  async clear(): Promise<void> {
    if (await this.#exists())
      check(await this.#client.dropCollection({ collection_name: this.#collection }), 'drop');
  }

  async close(): Promise<void> {
    await this.#client.closeConnection();
  }

  async #exists(): Promise<boolean> {
    const response = await this.#client.hasCollection({ collection_name: this.#collection });
    check(response.status, 'hasCollection');
    return Boolean(response.value);
  }

  async #ensureCollection(dimension: number): Promise<void> {
    if (await this.#exists()) return;
    // The SDK's quick setup: Int64 primary key `id`, float vector `vector`, dynamic fields (our
    // table_name), an index, loaded. Strong consistency so a search sees the last upsert.
    const status = await this.#client.createCollection({
      collection_name: this.#collection,
      dimension,
      metric_type: 'COSINE',
      consistency_level: 'Strong',
      auto_id: false,
    });
    check(status, 'createCollection');
  }
}

function check(status: MilvusStatus, operation: string): void {
  const ok = status.error_code === 'Success' || status.error_code === 0 || status.code === 0;
  if (!ok) {
    throw new R1flowError(
      'SCHEMA_INDEX_ERROR',
      `Milvus ${operation} failed: ${status.reason || status.error_code}`,
      {
        retryable: true,
        data: { operation, errorCode: status.error_code },
      },
    );
  }
}
