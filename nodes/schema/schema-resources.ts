// Per-process resources of schema retrieval, shared by every run through `ctx.resources`: the
// open index files (one connection each, keyed by absolute path) and Milvus connections.
import { defineResource } from '../../engine/resources.ts';
import type { MilvusStoreOptions } from './milvus-vector-store.ts';
import { openMilvusStore } from './milvus-vector-store.ts';
import { SchemaIndex } from './schema-index.ts';
import type { VectorStore } from './vector-store.ts';

export const schemaIndexResource = defineResource<SchemaIndex>({
  name: 'schema.index',
  create: (path) => SchemaIndex.open(path),
  dispose: (index) => index.close(),
});

export const milvusStoreResource = defineResource<VectorStore>({
  name: 'schema.milvus',
  // The key is the JSON of MilvusStoreOptions.
  create: (key) => openMilvusStore(JSON.parse(key) as MilvusStoreOptions),
  dispose: (store) => store.close(),
});
