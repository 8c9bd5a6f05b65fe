import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunAccess } from '../../../engine/actor.ts';
import type { Logger } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import retrieveNode from '../../../nodes/schema/retrieve.node.ts';
import { SchemaContextSchema } from '../../../nodes/types.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { makeTempDir, SPIDER_DIR, SPIDER_TABLES_JSON } from './spider-files.ts';
import { embedText } from './word-hash-embedder.ts';

const temp = makeTempDir('retrieve-node');
const warehouse = join(temp.dir, 'warehouse.sqlite');
let embeddings: Server;
let embeddingsUrl: string;
let embeddingRequests = 0;
let closedUrl: string;

beforeAll(async () => {
  buildDemoWarehouse(warehouse);
  embeddings = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/v1/embeddings') {
        embeddingRequests++;
        const { input } = JSON.parse(body) as { input: string[] };
        const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embedText(text) }));
        response.end(JSON.stringify({ object: 'list', data, model: 'word-hash' }));
      } else {
        response.end(JSON.stringify({ data: [{ id: 'word-hash' }] }));
      }
    });
  });
  embeddingsUrl = `http://127.0.0.1:${await listen(embeddings)}/v1`;
  // A port that was just free: nothing listens there any more.
  const closed = createServer();
  closedUrl = `http://127.0.0.1:${await listen(closed)}/v1`;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  await new Promise((resolve) => embeddings.close(resolve));
  temp.cleanup();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

let pool: ResourcePool;
let indexDir: ReturnType<typeof makeTempDir>;
const warnings: string[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} };

beforeEach(() => {
  pool = new ResourcePool();
  indexDir = makeTempDir('retrieve-index');
  warnings.length = 0;
});

afterEach(async () => {
  await pool.disposeAll();
  indexDir.cleanup();
});

async function run(
  params: Record<string, unknown>,
  inputs: { question: string; database?: string },
  env: Record<string, string> = {},
  access: RunAccess | null = null,
) {
  const settings = settingsFrom({
    R1FLOW_SCHEMA_INDEX_DIR: indexDir.dir,
    R1FLOW_DATA_DIR: temp.dir,
    ...env,
  });
  const progress: string[] = [];
  const ctx = createNodeContext({
    resources: pool,
    logger,
    settings,
    onProgress: (update) => progress.push(update.message ?? ''),
    access,
  });
  const { schema } = await retrieveNode.run({ params: retrieveNode.params.parse(params), inputs, ctx });
  return { schema: SchemaContextSchema.parse(schema), progress };
}

describe('schema.retrieve@1', () => {
  it('renders the whole demo warehouse for a question when it fits under maxTables', async () => {
    const { schema, progress } = await run(
      { warehouse, useEmbeddings: 'off' },
      { question: 'How many orders were cancelled?' },
    );
    expect(schema.database).toBe(warehouse);
    expect(schema.tables).toHaveLength(8);
    expect(schema.ddl).toContain('CREATE TABLE orders (\n    order_id number, -- example: [1, 2]\n');
    expect(schema.ddl).toContain(
      '    CONSTRAINT fk_orders_customer_id FOREIGN KEY (customer_id) REFERENCES customers (customer_id),',
    );
    expect(progress).toEqual(['schema index: 8 tables re-indexed']);
  });

  it("leaves out the tables the run's caller may not read, with their example values", async () => {
    const { schema } = await run(
      { warehouse, useEmbeddings: 'off' },
      { question: 'List the names of customers located in Boston.' },
      {},
      { connections: {}, default: { allowedTables: ['ORDERS', 'order_items'] } },
    );
    expect(schema.tables).toEqual(['orders', 'order_items']);
    expect(schema.retrieval.map((entry) => entry.table)).toEqual(['orders', 'order_items']);
    expect(schema.ddl).not.toContain('CREATE TABLE customers');
    expect(schema.ddl).not.toContain('Skyline Realty Ltd');
    // A limit for another connection does not apply to this file warehouse.
    const other = await run(
      { warehouse, useEmbeddings: 'off' },
      { question: 'List the names of customers located in Boston.' },
      {},
      { connections: { sales: { allowedTables: ['orders'] } } },
    );
    expect(other.schema.tables).toHaveLength(8);
  });

  it('keeps its index open between runs and re-indexes nothing when the warehouse did not change', async () => {
    await run({ warehouse, useEmbeddings: 'off' }, { question: 'a' });
    const second = await run(
      { warehouse, useEmbeddings: 'off', maxTables: 2 },
      { question: 'Which customers live in Boston?' },
    );
    expect(second.progress).toEqual([]);
    expect(second.schema.tables).toContain('customers');
    expect(second.schema.tables.length).toBeLessThanOrEqual(2);
  });

  it('takes the warehouse from R1FLOW_WAREHOUSE when the flow names none', async () => {
    const { schema } = await run(
      { useEmbeddings: 'off' },
      { question: 'q' },
      { R1FLOW_WAREHOUSE: warehouse },
    );
    expect(schema.database).toBe(warehouse);
  });

  it("opens a database the run names inside R1FLOW_WAREHOUSE_DIR and renders SQL-R1's schema for it", async () => {
    const { schema } = await run(
      { useEmbeddings: 'off', tablesJson: SPIDER_TABLES_JSON },
      { question: 'How many singers do we have?', database: 'concert_singer' },
      { R1FLOW_WAREHOUSE_DIR: join(SPIDER_DIR, 'databases') },
    );
    const expected = readFileSync(
      join(import.meta.dirname, 'fixtures', 'sql-r1-ddl', 'concert_singer.sql'),
      'utf8',
    );
    expect(schema.ddl).toBe(expected);
    expect(schema.tables).toEqual(['stadium', 'singer', 'concert', 'singer_in_concert']);
  });

  it('refuses a database name when the host has no warehouse directory', async () => {
    await expect(
      run({ useEmbeddings: 'off' }, { question: 'q', database: 'concert_singer' }),
    ).rejects.toMatchObject({
      code: 'WAREHOUSE_NOT_FOUND',
    });
  });

  it('uses the embeddings server for hybrid retrieval when one is configured', async () => {
    const before = embeddingRequests;
    const { schema } = await run(
      { warehouse, maxTables: 1 },
      { question: 'Which clients bought the most?' },
      { R1FLOW_EMBEDDINGS_URL: embeddingsUrl, R1FLOW_EMBEDDINGS_MODEL: 'word-hash' },
    );
    expect(embeddingRequests - before).toBe(2);
    expect(schema.tables).toEqual(['customers']);
    expect(schema.retrieval[0]?.reasons.some((reason) => reason.startsWith('vector:'))).toBe(true);
  });

  it("with useEmbeddings 'auto' an unreachable embeddings server degrades to BM25 with a warning", async () => {
    const { schema } = await run(
      { warehouse, maxTables: 2, embeddingsUrl: closedUrl, embeddingModel: 'm' },
      { question: 'How many customers are in each region?' },
    );
    expect(schema.tables).toEqual(['regions', 'customers']);
    expect(schema.retrieval.flatMap((r) => r.reasons).every((reason) => !reason.startsWith('vector:'))).toBe(
      true,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^embeddings unavailable, retrieving with BM25 only/);
  });

  it("with useEmbeddings 'on' an unreachable embeddings server fails the node", async () => {
    await expect(
      run(
        { warehouse, useEmbeddings: 'on', embeddingsUrl: closedUrl, embeddingModel: 'm' },
        { question: 'q' },
      ),
    ).rejects.toMatchObject({ code: 'LLM_UNREACHABLE' });
  });

  it("with useEmbeddings 'on' and no embeddings URL the node says what to set", async () => {
    await expect(run({ warehouse, useEmbeddings: 'on' }, { question: 'q' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('R1FLOW_EMBEDDINGS_URL'),
    });
  });
});
