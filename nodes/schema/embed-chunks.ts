// Embedding schema chunks through the model server's /v1/embeddings, in batches, and pairing
// each vector with its chunk's id for the vector store.
import { R1flowError } from '../../engine/errors.ts';
import type { ModelClient } from '../../engine/model-client.ts';
import type { SchemaChunk } from './schema-chunks.ts';
import { embeddingText } from './schema-chunks.ts';
import type { VectorRecord } from './vector-store.ts';

/** An embedding model: the client and a key naming it (URL + model), stored with the vectors. */
export interface Embedder {
  key: string;
  client: ModelClient;
}

export interface PendingEmbedding {
  table: string;
  /** Stored chunks carry their id; new ones get theirs when written. */
  chunks: (SchemaChunk & { id?: number })[];
}

const EMBED_BATCH = 64;

export async function embedChunks(
  embedder: Embedder,
  chunks: readonly SchemaChunk[],
  signal: AbortSignal | undefined,
): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
    const texts = chunks.slice(start, start + EMBED_BATCH).map(embeddingText);
    const batch = await embedder.client.embed(texts, signal ? { signal } : {});
    if (batch.length !== texts.length) {
      throw new R1flowError(
        'LLM_BAD_RESPONSE',
        `embeddings server returned ${batch.length} vectors for ${texts.length} texts`,
      );
    }
    vectors.push(...batch);
  }
  return vectors;
}

/** Pairs each pending chunk with its embedding; new chunks take the ids the write just gave them. */
export function vectorRecords(
  pending: readonly PendingEmbedding[],
  newIds: ReadonlyMap<string, readonly number[]>,
  embeddings: readonly number[][],
): VectorRecord[] {
  let next = 0;
  return pending.flatMap(({ table, chunks }) =>
    chunks.map((chunk, position) => {
      const id = chunk.id ?? newIds.get(table)?.[position] ?? -1;
      return { id, table, vector: embeddings[next++] ?? [] };
    }),
  );
}
