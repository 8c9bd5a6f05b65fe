// What examples.retrieve does: find the warehouse's examples index (written by the server when
// its verified examples change) and return the examples nearest the question. Embeddings are
// used when the index was embedded with the same model the node would embed the question with.
import type { NodeContext, NodeInvocation } from '../../engine/define-node.ts';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import { getModelClient, LLM_API_KEY_ENV } from '../llm/model-client-resource.ts';
import { EMBEDDINGS_MODEL_ENV, EMBEDDINGS_URL_ENV } from '../schema/retrieve-schema.ts';
import type { SchemaContext } from '../types.ts';
import type { SqlExample } from './example-types.ts';
import { examplesEmbeddingKey, searchExamplesIndex } from './examples-index.ts';
import { examplesIndexPath } from './examples-location.ts';
import type { RetrieveExamplesParams } from './retrieve-examples-params.ts';

type Invocation = NodeInvocation<RetrieveExamplesParams, { question: string; schema: SchemaContext }>;

export async function retrieveExamples({
  params,
  inputs,
  ctx,
}: Invocation): Promise<{ examples: SqlExample[] }> {
  if (params.k === 0) return { examples: [] };
  const path = examplesIndexPath(inputs.schema.database, ctx.setting);
  const embedding = await questionEmbedding(params, inputs.question, await examplesEmbeddingKey(path), ctx);
  const examples = await searchExamplesIndex(path, inputs.question, {
    k: params.k,
    fusionK: params.fusionK,
    ...embedding,
  });
  ctx.progress({ message: `${examples.length} verified example${examples.length === 1 ? '' : 's'}` });
  return { examples };
}

/**
 * The question's embedding when the index has vectors and embeddings are not off. In 'auto' mode
 * a failing embeddings server degrades to BM25 with a warning; with 'on' it fails the node.
 */
async function questionEmbedding(
  params: RetrieveExamplesParams,
  question: string,
  indexKey: string | undefined,
  ctx: NodeContext,
): Promise<{ queryVector?: number[]; embeddingKey?: string }> {
  if (params.useEmbeddings === 'off') return {};
  const baseUrl = params.embeddingsUrl ?? ctx.setting(EMBEDDINGS_URL_ENV);
  if (baseUrl === undefined) {
    if (params.useEmbeddings === 'on') {
      throw new R1flowError(
        'CONFIG_INVALID',
        `useEmbeddings is 'on' but neither embeddingsUrl nor ${EMBEDDINGS_URL_ENV} is set`,
      );
    }
    return {};
  }
  const model = params.embeddingModel ?? ctx.setting(EMBEDDINGS_MODEL_ENV);
  const embeddingKey = `${baseUrl}#${model ?? ''}`;
  if (indexKey !== embeddingKey) {
    if (indexKey !== undefined) {
      ctx.logger.warn(
        `the examples index was embedded with ${indexKey}, not ${embeddingKey}; using BM25 only`,
      );
    }
    return {};
  }
  try {
    const client = await getModelClient(ctx, { baseUrl, model, apiKey: ctx.secret(LLM_API_KEY_ENV) });
    const [queryVector] = await client.embed([question], { signal: ctx.signal });
    return queryVector ? { queryVector, embeddingKey } : {};
  } catch (error) {
    if (params.useEmbeddings !== 'auto' || !isR1flowError(error) || !error.code.startsWith('LLM_'))
      throw error;
    ctx.logger.warn(`embeddings unavailable, retrieving examples with BM25 only: ${error.message}`);
    return {};
  }
}
