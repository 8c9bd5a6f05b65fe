// What schema.retrieve@1 does: find the warehouse (a SQLite file or a named connection), bring
// its index up to date (incrementally), pick the tables for the question and render them as
// SQL-R1's pseudo-DDL.
import { basename, resolve } from 'node:path';
import { accessFor } from '../../engine/actor.ts';
import type { NodeContext, NodeInvocation } from '../../engine/define-node.ts';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import { getModelClient, LLM_API_KEY_ENV } from '../llm/model-client-resource.ts';
import { connectionNameOf } from '../sql/warehouse-executor.ts';
import type { SchemaContext } from '../types.ts';
import { resolveInDataDir } from '../warehouse/data-dir.ts';
import {
  resolveWarehouseName,
  resolveWarehousePath,
  WAREHOUSE_DIR_ENV,
  WAREHOUSE_ENV,
} from '../warehouse/resolve-warehouse.ts';
import type { Embedder } from './embed-chunks.ts';
import { DEFAULT_SCHEMA_INDEX_DIR, defaultMilvusCollection, SCHEMA_INDEX_DIR_ENV } from './index-location.ts';
import { milvusAddressOf } from './milvus-connection.ts';
import type { IndexSettings } from './reindex-warehouse.ts';
import { refreshSchemaIndex } from './reindex-warehouse.ts';
import { renderSchemaDdl } from './render-ddl.ts';
import type { RetrieveParams } from './retrieve-params.ts';
import { retrieveTables, type TableSelection } from './retrieve-tables.ts';
import type { SchemaIndex } from './schema-index.ts';
import { milvusStoreResource, schemaIndexResource } from './schema-resources.ts';
import { readSpiderDatabase } from './spider-metadata.ts';
import type { VectorStore } from './vector-store.ts';
import type { WarehouseSource } from './warehouse-source.ts';
import { connectionWarehouse, indexPathFor, sqliteWarehouse } from './warehouse-source.ts';

export const DEFAULT_WAREHOUSE = 'examples/warehouse/warehouse.sqlite';
export const EMBEDDINGS_URL_ENV = 'R1FLOW_EMBEDDINGS_URL';
export const EMBEDDINGS_MODEL_ENV = 'R1FLOW_EMBEDDINGS_MODEL';
export const RERANK_URL_ENV = 'R1FLOW_RERANK_URL';
export const RERANK_MODEL_ENV = 'R1FLOW_RERANK_MODEL';
export const MILVUS_ADDRESS_ENV = 'MILVUS_ADDRESS';
export const MILVUS_TOKEN_ENV = 'MILVUS_TOKEN';

type Invocation = NodeInvocation<RetrieveParams, { question: string; database?: string }>;

export async function retrieveSchema({
  params,
  inputs,
  ctx,
}: Invocation): Promise<{ schema: SchemaContext }> {
  const warehouse = await locateWarehouse(params, inputs.database, ctx);
  const spider = spiderEntryFor(params, warehouse, inputs.database, ctx);
  const indexPath = resolve(
    params.indexPath ??
      indexPathFor(warehouse, ctx.setting(SCHEMA_INDEX_DIR_ENV) ?? DEFAULT_SCHEMA_INDEX_DIR),
  );
  const index = await ctx.resources.get(schemaIndexResource, indexPath);
  const vectors = await vectorStoreFor(params, index, ctx);
  const embedder = await embedderFor(params, ctx);
  const reranker = params.rerank ? await rerankerFor(params, ctx) : undefined;
  const settings: IndexSettings = {
    examplesPerColumn: params.examplesPerColumn,
    spider,
    vectors,
    signal: ctx.signal,
    warn: (message) => ctx.logger.warn(message),
  };

  return index.exclusive(async () => {
    const queryVector = await prepareIndex(
      index,
      warehouse,
      inputs.question,
      settings,
      embedder,
      params,
      ctx,
    );
    const retrieved = await retrieveTables(index, inputs.question, {
      maxTables: params.maxTables,
      fusionK: params.fusionK,
      queryVector,
      vectors,
      reranker,
      signal: ctx.signal,
      dialect: warehouse.dialect,
    });
    const selection = readableByCaller(ctx, warehouse.database, retrieved);
    return {
      schema: {
        database: warehouse.database,
        dialect: warehouse.dialect,
        ddl: renderSchemaDdl(selection.tables, warehouse.dialect),
        tables: selection.tables.map((table) => table.name),
        retrieval: selection.retrieval,
      },
    };
  });
}

/**
 * Leaves out the tables the run's caller may not read (their allowedTables for this warehouse,
 * ctx.access): sql.execute would refuse them anyway, and their columns' example values are rows
 * the caller must not see, in the prompt or in the run's record.
 */
function readableByCaller(ctx: NodeContext, database: string, selection: TableSelection): TableSelection {
  const allowed = accessFor(ctx.access, connectionNameOf(database)).allowedTables;
  if (allowed === undefined) return selection;
  const readable = new Set(allowed.map((table) => table.toLowerCase()));
  return {
    tables: selection.tables.filter((table) => readable.has(table.name.toLowerCase())),
    retrieval: selection.retrieval.filter((entry) => readable.has(entry.table.toLowerCase())),
  };
}

/**
 * A run's input may name a database in R1FLOW_WAREHOUSE_DIR; otherwise the flow's connection, or
 * its file (inside the data directory), or the host's file.
 */
async function locateWarehouse(
  params: RetrieveParams,
  database: string | undefined,
  ctx: NodeContext,
): Promise<WarehouseSource> {
  if (database !== undefined) {
    const directory = ctx.setting(WAREHOUSE_DIR_ENV);
    if (directory === undefined) {
      throw new R1flowError(
        'WAREHOUSE_NOT_FOUND',
        `the run names database "${database}" but ${WAREHOUSE_DIR_ENV} is not set on this host`,
      );
    }
    return sqliteWarehouse(resolveWarehouseName(database, directory));
  }
  if (params.connection !== undefined) return connectionWarehouse(await ctx.connection(params.connection));
  // The flow's own path is confined to the data directory; the host's setting and the demo are trusted.
  if (params.warehouse !== undefined) {
    return sqliteWarehouse(
      resolveWarehousePath(resolveInDataDir('warehouse', params.warehouse, 'read', ctx.setting)),
    );
  }
  return sqliteWarehouse(resolveWarehousePath(ctx.setting(WAREHOUSE_ENV) ?? DEFAULT_WAREHOUSE));
}

/** tables.json describes SQLite files by database id (the run's name for it, or the file's name). */
function spiderEntryFor(
  params: RetrieveParams,
  warehouse: WarehouseSource,
  database: string | undefined,
  ctx: NodeContext,
) {
  if (params.tablesJson === undefined) return undefined;
  if (warehouse.dialect !== 'sqlite') {
    ctx.logger.warn(`tablesJson describes SQLite warehouses; ignored for a ${warehouse.dialect} warehouse`);
    return undefined;
  }
  const dbId = database ?? basename(warehouse.database).replace(/\.sqlite3?$/i, '');
  const spider = readSpiderDatabase(params.tablesJson, dbId);
  if (!spider)
    ctx.logger.warn(`no entry "${dbId}" in ${params.tablesJson}; using the warehouse's own schema`);
  return spider;
}

/**
 * Refreshes the index (embedding new chunks when embeddings are on) and embeds the question.
 * In 'auto' mode an unreachable or failing embeddings server degrades to BM25 with a warning.
 */
async function prepareIndex(
  index: SchemaIndex,
  warehouse: WarehouseSource,
  question: string,
  settings: IndexSettings,
  embedder: Embedder | undefined,
  params: RetrieveParams,
  ctx: NodeContext,
): Promise<number[] | undefined> {
  try {
    reportReindex(ctx, await refreshSchemaIndex(index, warehouse, { ...settings, embedder }));
    if (!embedder) return undefined;
    const [vector] = await embedder.client.embed([question], { signal: ctx.signal });
    return vector;
  } catch (error) {
    const modelFailure = isR1flowError(error) && error.code.startsWith('LLM_');
    if (!embedder || params.useEmbeddings !== 'auto' || !modelFailure) throw error;
    ctx.logger.warn(`embeddings unavailable, retrieving with BM25 only: ${error.message}`, {
      code: error.code,
    });
    reportReindex(ctx, await refreshSchemaIndex(index, warehouse, settings));
    return undefined;
  }
}

function reportReindex(ctx: NodeContext, report: Awaited<ReturnType<typeof refreshSchemaIndex>>): void {
  if (!report) return;
  ctx.logger.info('schema index updated', { ...report });
  ctx.progress({ message: `schema index: ${report.tablesIndexed} tables re-indexed`, data: { ...report } });
}

async function embedderFor(params: RetrieveParams, ctx: NodeContext): Promise<Embedder | undefined> {
  if (params.useEmbeddings === 'off') return undefined;
  const baseUrl = params.embeddingsUrl ?? ctx.setting(EMBEDDINGS_URL_ENV);
  if (baseUrl === undefined) {
    if (params.useEmbeddings === 'on') {
      throw new R1flowError(
        'CONFIG_INVALID',
        `useEmbeddings is 'on' but neither embeddingsUrl nor ${EMBEDDINGS_URL_ENV} is set`,
      );
    }
    return undefined;
  }
  const model = params.embeddingModel ?? ctx.setting(EMBEDDINGS_MODEL_ENV);
  const client = await getModelClient(ctx, { baseUrl, model, apiKey: ctx.secret(LLM_API_KEY_ENV) });
  return { key: `${baseUrl}#${model ?? ''}`, client };
}

async function rerankerFor(params: RetrieveParams, ctx: NodeContext) {
  const baseUrl = params.rerankUrl ?? ctx.setting(RERANK_URL_ENV);
  if (baseUrl === undefined) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `rerank is on but neither rerankUrl nor ${RERANK_URL_ENV} is set`,
    );
  }
  const model = params.rerankModel ?? ctx.setting(RERANK_MODEL_ENV);
  return getModelClient(ctx, { baseUrl, model, apiKey: ctx.secret(LLM_API_KEY_ENV) });
}

async function vectorStoreFor(
  params: RetrieveParams,
  index: SchemaIndex,
  ctx: NodeContext,
): Promise<VectorStore> {
  if (params.vectorStore === 'sqlite-vec') return index.localVectors;
  const server = await milvusServerFor(params, ctx);
  const options = { ...server, collection: defaultMilvusCollection(index.path) };
  return ctx.resources.get(milvusStoreResource, JSON.stringify(options));
}

/** The flow's milvus connection, else the host's MILVUS_ADDRESS and MILVUS_TOKEN. */
async function milvusServerFor(params: RetrieveParams, ctx: NodeContext) {
  if (params.milvusConnection !== undefined) {
    return milvusAddressOf(await ctx.connection(params.milvusConnection));
  }
  const address = ctx.setting(MILVUS_ADDRESS_ENV);
  if (address === undefined) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `vectorStore is 'milvus' but neither milvusConnection nor ${MILVUS_ADDRESS_ENV} is set`,
    );
  }
  const token = ctx.secret(MILVUS_TOKEN_ENV);
  return token ? { address, token } : { address };
}
