// examples.retrieve over the index the server writes: BM25 alone, fused with embeddings when the
// index was embedded with the node's model, and nothing for a warehouse without examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import type { ExampleRecords, StoredExample } from '../../../engine/store/feedback-records.ts';
import { examplesIndexPath } from '../../../nodes/examples/examples-location.ts';
import retrieveExamples from '../../../nodes/examples/retrieve.node.ts';
import type { SchemaContext } from '../../../nodes/types.ts';
import { refreshExamplesIndex } from '../../../server/feedback/examples-index-writer.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { makeTempDir } from '../schema/spider-files.ts';

const WAREHOUSE = 'connection:sales';
const verified: StoredExample[] = [
  ['How many orders were shipped?', "SELECT count(*) FROM orders WHERE status = 'shipped'"],
  ['Which customers live in Boston?', "SELECT name FROM customers WHERE city = 'Boston'"],
  ['What is the revenue per region?', 'SELECT region, sum(amount) FROM payments GROUP BY region'],
].map(([question, sql], i) => ({
  id: `ex_${i}`,
  warehouse: WAREHOUSE,
  question: question!,
  sql: sql!,
  feedbackId: null,
  createdAt: i,
  verifiedAt: i,
}));
// The writer needs only `list`.
const records = { list: async () => verified } as unknown as ExampleRecords;
const schema = (database: string): SchemaContext => ({
  database,
  dialect: 'postgres',
  ddl: '',
  tables: [],
  retrieval: [],
});

const temp = makeTempDir('examples-retrieve');
let sim: SimLlmServer;
const pool = new ResourcePool();

beforeAll(async () => {
  sim = await startSimLlm({ port: 0 });
});
afterAll(async () => {
  await pool.disposeAll();
  await sim.close();
  temp.cleanup();
});

async function retrieve(
  question: string,
  values: Record<string, string>,
  params: object = {},
  database = WAREHOUSE,
) {
  const ctx = createNodeContext({
    resources: pool,
    settings: settingsFrom({ R1FLOW_DATA_DIR: temp.dir, ...values }),
  });
  const { examples } = await retrieveExamples.run({
    params: retrieveExamples.params.parse(params),
    inputs: { question, schema: schema(database) },
    ctx,
  });
  return examples;
}

describe('examples.retrieve', () => {
  it('finds the examples sharing words with the question, best first, up to k', async () => {
    const settings = settingsFrom({ R1FLOW_DATA_DIR: temp.dir });
    const path = await refreshExamplesIndex(records, settings, WAREHOUSE);
    expect(path).toBe(examplesIndexPath(WAREHOUSE, settings.setting));

    const found = await retrieve('how many orders have shipped to Boston customers', {});
    expect(found.map((example) => example.question)).toEqual([
      'How many orders were shipped?',
      'Which customers live in Boston?',
    ]);
    expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
    expect(found[0]!.sql).toBe(verified[0]!.sql);
    expect(await retrieve('how many orders have shipped to Boston customers', {}, { k: 1 })).toHaveLength(1);
    expect(await retrieve('zebra giraffe', {})).toEqual([]);
    expect(await retrieve('How many orders were shipped?', {}, {}, 'connection:other')).toEqual([]);
  });

  it('adds the nearest by embedding when the index was embedded with the same model', async () => {
    const embeddings = { R1FLOW_EMBEDDINGS_URL: sim.url, R1FLOW_EMBEDDINGS_MODEL: 'sim' };
    await refreshExamplesIndex(
      records,
      settingsFrom({ R1FLOW_DATA_DIR: temp.dir, ...embeddings }),
      WAREHOUSE,
    );
    // Misspelt words match no indexed word (BM25 finds nothing), but share most character
    // 3-grams with "revenue per region", which sim-llm's embeddings are made of.
    const question = 'regionz revenuez';
    expect(await retrieve(question, embeddings, { useEmbeddings: 'off' })).toEqual([]);
    const hybrid = await retrieve(question, embeddings, { k: 1 });
    expect(hybrid.map((example) => example.question)).toEqual(['What is the revenue per region?']);
    // Another embedding model than the index's: BM25 only.
    expect(await retrieve(question, { ...embeddings, R1FLOW_EMBEDDINGS_MODEL: 'other' })).toEqual([]);
  });
});
