// sql.correct runs model-written SQL a second time: it must obey the same confinement as
// sql.execute. The warehouse comes from the schema context and must lie in the data directory
// (never from the results, which another node produced), and sql.execute's allowedTables carry over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../engine/host-settings.ts';
import { createNodeContext } from '../../engine/node-context.ts';
import { ResourcePool } from '../../engine/resources.ts';
import correctNode from '../../nodes/sql/correct.node.ts';
import type { ExecutedCandidate, SchemaContext } from '../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../nodes/warehouse/data-dir.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { answerWith, writeReplayFile } from '../sim-llm/sim-fixtures.ts';
import { createDuckdbWarehouse, type DuckdbWarehouse } from '../support/duckdb-warehouse.ts';

const QUESTION = 'Which countries are there?';
const replay = writeReplayFile([
  { question: QUESTION, responses: ['no sql'], corrections: [answerWith('SELECT name FROM country')] },
]);

let warehouse: DuckdbWarehouse;
let elsewhere: string;
let sim: SimLlmServer;
const resources = new ResourcePool();
beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  elsewhere = mkdtempSync(join(tmpdir(), 'r1flow-not-data-'));
  sim = await startSimLlm({ replayPath: replay.path });
});
afterAll(async () => {
  await resources.disposeAll();
  await sim.close();
  warehouse.close();
  rmSync(elsewhere, { recursive: true, force: true });
  replay.remove();
});

const noSql: ExecutedCandidate = {
  index: 0,
  sql: null,
  status: 'empty',
  columns: [],
  rows: [],
  rowCount: 0,
  truncated: false,
  durationMs: 0,
};

interface CorrectCall {
  dataDir: string;
  params?: Record<string, unknown>;
  /** What the incoming results claim their database is. */
  resultsDatabase?: string;
}

function correct(schema: SchemaContext, call: CorrectCall) {
  return correctNode.run({
    params: correctNode.params.parse({ baseUrl: sim.url, n: 1, maxAttempts: 1, ...call.params }),
    inputs: {
      results: { database: call.resultsDatabase ?? schema.database, candidates: [noSql] },
      question: QUESTION,
      schema,
    },
    ctx: createNodeContext({ resources, settings: settingsFrom({ [DATA_DIR_ENV]: call.dataDir }) }),
  });
}

const schemaOf = (database: string): SchemaContext => ({
  database,
  dialect: 'duckdb',
  ddl: '',
  tables: [],
  retrieval: [],
});

describe('sql.correct confinement', () => {
  it('refuses a warehouse outside the data directory before asking the model', async () => {
    const before = sim.metrics().httpRequests['/v1/completions'] ?? 0;
    await expect(correct(schemaOf(warehouse.file), { dataDir: elsewhere })).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_DATA_DIR',
    });
    expect(sim.metrics().httpRequests['/v1/completions'] ?? 0).toBe(before);
  });

  it("runs on the schema's warehouse, whatever database the results claim", async () => {
    const outputs = await correct(schemaOf(warehouse.file), {
      dataDir: warehouse.dir,
      resultsDatabase: join(elsewhere, 'other.duckdb'),
    });
    expect(outputs.results.database).toBe(warehouse.file);
    expect(outputs.results.candidates[1]).toMatchObject({ status: 'ok', rows: [['France'], ['Norway']] });
  });

  it("keeps sql.execute's allowedTables for the corrected queries", async () => {
    const outputs = await correct(schemaOf(warehouse.file), {
      dataDir: warehouse.dir,
      params: { allowedTables: ['city'] },
    });
    expect(outputs.results.candidates[1]).toMatchObject({ status: 'forbidden', rows: [] });
  });
});
