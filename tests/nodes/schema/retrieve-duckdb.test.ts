// schema.retrieve over a DuckDB file (by path and by connection), then sql.execute on what it
// returned: the whole retrieve → execute path of a DuckDB warehouse, with re-indexing on change.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionNotFound } from '../../../engine/connections.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import retrieveNode from '../../../nodes/schema/retrieve.node.ts';
import executeNode from '../../../nodes/sql/execute.node.ts';
import { SchemaContextSchema } from '../../../nodes/types.ts';
import type { DuckdbWarehouse } from '../../support/duckdb-warehouse.ts';
import { createDuckdbWarehouse } from '../../support/duckdb-warehouse.ts';

let warehouse: DuckdbWarehouse;
let pool: ResourcePool;

beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  pool = new ResourcePool();
});
afterAll(async () => {
  await pool.disposeAll();
  warehouse.close();
});

function context(onProgress?: (data: Record<string, unknown>) => void) {
  const settings = settingsFrom({
    R1FLOW_SCHEMA_INDEX_DIR: `${warehouse.dir}/index`,
    R1FLOW_DATA_DIR: warehouse.dir,
  });
  return createNodeContext({
    resources: pool,
    settings: {
      ...settings,
      connection: async (name) => {
        if (name !== 'files') throw connectionNotFound(name);
        return { name, kind: 'duckdb', url: warehouse.file };
      },
    },
    onProgress: (update) => update.data && onProgress?.(update.data),
  });
}

async function retrieve(
  params: Record<string, unknown>,
  question: string,
  onProgress?: (data: Record<string, unknown>) => void,
) {
  const { schema } = await retrieveNode.run({
    params: retrieveNode.params.parse({ useEmbeddings: 'off', ...params }),
    inputs: { question },
    ctx: context(onProgress),
  });
  return SchemaContextSchema.parse(schema);
}

describe('schema.retrieve over DuckDB', () => {
  it('reads a .duckdb file by path: tables, views over files, keys, the DuckDB engine', async () => {
    const schema = await retrieve(
      { warehouse: warehouse.file, maxTables: 10 },
      'Which city has the most visits?',
    );
    expect(schema).toMatchObject({ dialect: 'duckdb', database: warehouse.file });
    expect(schema.tables.sort()).toEqual(['city', 'country', 'visits']);
    expect(schema.ddl).toContain('CREATE TABLE city');
    expect(schema.ddl).toMatch(/FOREIGN KEY \(country\) REFERENCES country\(code\)|foreign key/i);
  });

  it('reads the same file through a duckdb connection, and sql.execute runs candidates on it', async () => {
    const schema = await retrieve(
      { connection: 'files', maxTables: 10 },
      'How many people live in French cities?',
    );
    expect(schema.dialect).toBe('duckdb');
    const { results } = await executeNode.run({
      params: executeNode.params.parse({}),
      inputs: {
        schema,
        candidates: {
          model: 'm',
          candidates: [
            {
              index: 0,
              sql: "SELECT sum(population) FROM city WHERE country = 'FR' AND id > 1",
              reasoning: '',
              text: '',
              finishReason: 'stop',
            },
            { index: 1, sql: 'DROP TABLE city', reasoning: '', text: '', finishReason: 'stop' },
          ],
        },
      },
      ctx: context(),
    });
    expect(results.candidates.map((c) => [c.status, c.rows])).toEqual([
      ['ok', [[522250]]],
      ['readonly_violation', []],
    ]);
  });

  it('re-indexes only the table that changed', async () => {
    await retrieve({ warehouse: warehouse.file }, 'cities');
    const writer = await DuckDBInstance.create(warehouse.file);
    const connection = await writer.connect();
    await connection.run("INSERT INTO country VALUES ('IT', 'Italy', DATE '1946-06-02')");
    connection.closeSync();
    writer.closeSync();
    const reports: Record<string, unknown>[] = [];
    await retrieve({ warehouse: warehouse.file }, 'countries', (data) => reports.push(data));
    expect(reports).toContainEqual(expect.objectContaining({ tablesIndexed: 1, tablesUnchanged: 2 }));
  });
});
