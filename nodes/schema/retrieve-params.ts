// Params of schema.retrieve@1; the descriptions are what the editor shows. Defaults follow
// SQL-R1 where it has one (2 example values per column, all tables when they fit).
import { z } from 'zod';
import { DEFAULT_FUSION_K } from './rank-fusion.ts';

const HttpUrl = z.url({ protocol: /^https?$/ });

const ConnectionName = z.string().min(1).max(200);

export const RetrieveParamsSchema = z
  .object({
    warehouse: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite warehouse file; default R1FLOW_WAREHOUSE or examples/warehouse/warehouse.sqlite'),
    connection: ConnectionName.optional().describe(
      'Named warehouse connection (postgres or sqlite) instead of a warehouse file',
    ),
    maxTables: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(8)
      .describe('Most tables in the prompt; a warehouse with no more tables than this is shown whole'),
    examplesPerColumn: z
      .number()
      .int()
      .min(0)
      .max(6)
      .default(2)
      .describe("Example values per column (SQL-R1's Spider cache has 2; its prompt shows at most 6)"),
    useEmbeddings: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe(
        "'auto': hybrid search when an embeddings URL is set, BM25 alone (with a warning) when that server fails; " +
          "'on': an embeddings failure fails the node; 'off': BM25 only",
      ),
    embeddingsUrl: HttpUrl.optional().describe(
      'Embeddings server root including /v1; default R1FLOW_EMBEDDINGS_URL',
    ),
    embeddingModel: z
      .string()
      .min(1)
      .optional()
      .describe('Embedding model id; default R1FLOW_EMBEDDINGS_MODEL or the first the server lists'),
    rerank: z.boolean().default(false).describe('Re-order the leading tables with a reranker (/v1/rerank)'),
    rerankUrl: HttpUrl.optional().describe('Reranker server root including /v1; default R1FLOW_RERANK_URL'),
    rerankModel: z.string().min(1).optional().describe('Reranker model id; default R1FLOW_RERANK_MODEL'),
    fusionK: z
      .number()
      .min(1)
      .max(1000)
      .default(DEFAULT_FUSION_K)
      .describe('k of reciprocal rank fusion: larger flattens the difference between ranks'),
    tablesJson: z
      .string()
      .min(1)
      .optional()
      .describe("Spider tables.json: column types and natural names as SQL-R1's prompt shows them"),
    indexPath: z
      .string()
      .min(1)
      .optional()
      .describe('Schema index file; default under R1FLOW_SCHEMA_INDEX_DIR or data/schema-index'),
    vectorStore: z
      .enum(['sqlite-vec', 'milvus'])
      .default('sqlite-vec')
      .describe(
        'Where embeddings live: in the index file, or Milvus at milvusConnection or MILVUS_ADDRESS (needs @zilliz/milvus2-sdk-node)',
      ),
    milvusConnection: ConnectionName.optional().describe(
      "Named milvus connection for vectorStore 'milvus'; default MILVUS_ADDRESS and MILVUS_TOKEN",
    ),
  })
  .refine((params) => params.warehouse === undefined || params.connection === undefined, {
    message: 'give either warehouse (a SQLite file) or connection, not both',
    path: ['connection'],
  })
  .refine((params) => params.milvusConnection === undefined || params.vectorStore === 'milvus', {
    message: "milvusConnection needs vectorStore 'milvus'",
    path: ['milvusConnection'],
  });

export type RetrieveParams = z.output<typeof RetrieveParamsSchema>;
