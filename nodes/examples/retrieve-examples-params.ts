// Params of examples.retrieve@1; the descriptions are what the editor shows.
import { z } from 'zod';
import { DEFAULT_FUSION_K } from '../schema/rank-fusion.ts';

export const RetrieveExamplesParamsSchema = z
  .object({
    k: z.number().int().min(0).max(20).default(3).describe('Most examples to return (0: none)'),
    useEmbeddings: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe(
        "'auto': BM25 fused with embeddings when the index has vectors of the configured model, BM25 alone " +
          "(with a warning) when that server fails; 'on': an embeddings failure fails the node; 'off': BM25 only",
      ),
    embeddingsUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Embeddings server root including /v1; default R1FLOW_EMBEDDINGS_URL'),
    embeddingModel: z
      .string()
      .min(1)
      .optional()
      .describe('Embedding model id; default R1FLOW_EMBEDDINGS_MODEL'),
    fusionK: z
      .number()
      .min(1)
      .max(1000)
      .default(DEFAULT_FUSION_K)
      .describe('k of reciprocal rank fusion: larger flattens the difference between ranks'),
  })
  .strict();

export type RetrieveExamplesParams = z.output<typeof RetrieveExamplesParamsSchema>;
