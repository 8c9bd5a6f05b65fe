// sql.correct on a DuckDB warehouse: the corrected queries go through the same executor choice as
// sql.execute (executorFor by the schema's dialect), with sim-llm on 127.0.0.1 scripting the model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import correctNode from '../../../nodes/sql/correct.node.ts';
import type { ExecutedCandidate } from '../../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { answerWith, writeReplayFile } from '../../sim-llm/sim-fixtures.ts';
import { createDuckdbWarehouse, type DuckdbWarehouse } from '../../support/duckdb-warehouse.ts';

const QUESTION = 'How many French cities are there?';
const replay = writeReplayFile([
  {
    question: QUESTION,
    responses: [answerWith("SELECT count(*) FROM cities WHERE country = 'FR'")],
    corrections: [answerWith("SELECT count(*) FROM city WHERE country = 'FR'")],
  },
]);

let warehouse: DuckdbWarehouse;
let sim: SimLlmServer;
const resources = new ResourcePool();
beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  sim = await startSimLlm({ replayPath: replay.path });
});
afterAll(async () => {
  await resources.disposeAll();
  await sim.close();
  warehouse.close();
  replay.remove();
});

const failed: ExecutedCandidate = {
  index: 0,
  sql: "SELECT count(*) FROM cities WHERE country = 'FR'",
  status: 'error',
  columns: [],
  rows: [],
  rowCount: 0,
  truncated: false,
  error: { code: 'SQL_ERROR', message: 'Catalog Error: Table with name cities does not exist!' },
  durationMs: 1,
};

describe('sql.correct@1 on DuckDB', () => {
  it('runs the corrected query on the DuckDB file the schema names', async () => {
    const outputs = await correctNode.run({
      params: correctNode.params.parse({ baseUrl: sim.url, n: 1 }),
      inputs: {
        results: { database: warehouse.file, candidates: [failed] },
        question: QUESTION,
        schema: {
          database: warehouse.file,
          dialect: 'duckdb',
          ddl: 'CREATE TABLE city (...)',
          tables: ['city'],
          retrieval: [],
        },
      },
      ctx: createNodeContext({ resources, settings: settingsFrom({ [DATA_DIR_ENV]: warehouse.dir }) }),
    });
    expect(outputs.results.candidates.map((c) => [c.index, c.status, c.rows])).toEqual([
      [0, 'error', []],
      [1, 'ok', [[2]]],
    ]);
    expect(outputs.corrections).toEqual([expect.objectContaining({ attempt: 1, statuses: ['ok'] })]);
    expect(sim.recentPrompts().at(-1)).toContain('Table with name cities does not exist');
  });
});
