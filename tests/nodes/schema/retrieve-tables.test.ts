import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelClient } from '../../../engine/model-client.ts';
import { reindexWarehouse } from '../../../nodes/schema/reindex-warehouse.ts';
import type { RetrieveOptions } from '../../../nodes/schema/retrieve-tables.ts';
import { retrieveTables } from '../../../nodes/schema/retrieve-tables.ts';
import { SchemaIndex } from '../../../nodes/schema/schema-index.ts';
import { readSpiderDatabase } from '../../../nodes/schema/spider-metadata.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { DEMO_TABLES } from '../../../server/demo/demo-ddl.ts';
import { makeTempDir, SPIDER_TABLES_JSON, spiderDatabasePath } from './spider-files.ts';
import { createWordHashEmbedder, embedText } from './word-hash-embedder.ts';

const temp = makeTempDir('retrieve');
let demo: SchemaIndex;
let carIndex: SchemaIndex;

beforeAll(async () => {
  const warehouse = join(temp.dir, 'warehouse.sqlite');
  buildDemoWarehouse(warehouse);
  const embedder = { key: 'word-hash', client: createWordHashEmbedder() };
  await reindexWarehouse(warehouse, { indexPath: join(temp.dir, 'demo.index.sqlite'), embedder });
  demo = SchemaIndex.open(join(temp.dir, 'demo.index.sqlite'));
  const spider = readSpiderDatabase(SPIDER_TABLES_JSON, 'car_1');
  await reindexWarehouse(spiderDatabasePath('car_1'), {
    indexPath: join(temp.dir, 'car_1.index.sqlite'),
    spider,
  });
  carIndex = SchemaIndex.open(join(temp.dir, 'car_1.index.sqlite'));
});

afterAll(() => {
  demo?.close();
  carIndex?.close();
  temp.cleanup();
});

async function tablesFor(index: SchemaIndex, question: string, options: Partial<RetrieveOptions> = {}) {
  return retrieveTables(index, question, { maxTables: 3, fusionK: 60, ...options });
}

describe('schema retrieval picks the tables a question needs', () => {
  it('shows a warehouse whole, in its own order, when it has no more tables than maxTables', async () => {
    const selection = await tablesFor(demo, 'How many customers are there?', { maxTables: 8 });
    expect(selection.tables.map((t) => t.name)).toEqual([...DEMO_TABLES]);
    expect(selection.retrieval[0]?.reasons[0]).toMatch(/^all tables: the warehouse has 8/);
  });

  it.each([
    ['How many customers are in each region?', ['customers', 'regions']],
    ['What is the total amount of payments made by card?', ['payments']],
    ['List the first and last names of sales reps hired after 2020', ['sales_reps']],
    ['Which product category has the most products?', ['categories', 'products']],
  ])('BM25 alone: "%s" gets %j', async (question, expected) => {
    const selection = await tablesFor(demo, question);
    expect(selection.tables.map((t) => t.name)).toEqual(expect.arrayContaining(expected));
    expect(selection.tables.length).toBeLessThanOrEqual(3);
    expect(selection.retrieval.flatMap((r) => r.reasons).some((reason) => reason.startsWith('bm25:'))).toBe(
      true,
    );
  });

  it('explains each table with its score and the chunks that matched', async () => {
    const selection = await tablesFor(demo, 'Which city has the most customers?');
    const customers = selection.retrieval.find((r) => r.table === 'customers');
    expect(customers?.score).toBeGreaterThan(0);
    expect(customers?.reasons).toContain('bm25:column customers.city');
  });

  it('adds the FK bridge tables between the chosen ones', async () => {
    const selection = await tablesFor(
      demo,
      'Which categories do Enterprise segment customers spend the most on?',
      {
        maxTables: 5,
      },
    );
    expect(selection.tables.map((t) => t.name)).toEqual([
      'customers',
      'categories',
      'products',
      'orders',
      'order_items',
    ]);
    const orders = selection.retrieval.find((r) => r.table === 'orders');
    expect(orders?.reasons.some((reason) => reason.startsWith('bridge:'))).toBe(true);
  });

  it('hybrid search finds what the words miss: "clients" are customers to the embedding model', async () => {
    const question = 'Which clients bought the most?';
    const bm25 = await tablesFor(demo, question, { maxTables: 1 });
    expect(bm25.tables.map((t) => t.name)).not.toEqual(['customers']);
    const hybrid = await tablesFor(demo, question, { maxTables: 1, queryVector: embedText(question) });
    expect(hybrid.tables.map((t) => t.name)).toEqual(['customers']);
    expect(hybrid.retrieval[0]?.reasons.some((reason) => reason.startsWith('vector:'))).toBe(true);
  });

  it('a reranker re-orders the leading tables', async () => {
    const reranker: Pick<ModelClient, 'rerank'> = {
      rerank: async (_query, documents) =>
        documents.map((doc) => (doc.startsWith('CREATE TABLE regions') ? 0.9 : 0.1)),
    };
    const selection = await tablesFor(demo, 'How many customers are in each region?', {
      maxTables: 1,
      reranker: reranker as ModelClient,
    });
    expect(selection.tables.map((t) => t.name)).toEqual(['regions']);
    expect(selection.retrieval[0]?.reasons[0]).toBe('rerank:0.9');
  });

  it('a reranker that answers with the wrong number of scores is an error', async () => {
    const reranker = { rerank: async () => [1] } as unknown as ModelClient;
    await expect(tablesFor(demo, 'customers in each region', { reranker })).rejects.toMatchObject({
      code: 'LLM_BAD_RESPONSE',
    });
  });

  it('a question about tables that do not exist still gets a schema: the best-connected tables', async () => {
    const selection = await tablesFor(demo, 'How many unicorns live on Mars?');
    expect(selection.tables.length).toBeGreaterThan(0);
    expect(selection.retrieval[0]?.reasons[0]).toMatch(/^no match/);
  });

  it.each([
    ['What is the average horsepower of cars made in 1970?', ['cars_data']],
    ['Which countries are in europe?', ['continents', 'countries']],
    ['How many car makers are in each country?', ['car_makers', 'countries']],
    ['List the car models of maker amc', ['model_list']],
  ])('on Spider car_1: "%s" gets %j', async (question, expected) => {
    const selection = await tablesFor(carIndex, question);
    expect(selection.tables.map((t) => t.name)).toEqual(expect.arrayContaining(expected));
  });
});
