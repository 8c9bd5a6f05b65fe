// The publish gate with the demo flow and the simulated model on the demo replay: a test set the
// flow answers right publishes; one with a wrong expectation is refused with the failed question,
// and nothing is published. (Child processes: sql.execute's sandbox pool scores the answers.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { packagePath } from '../../../engine/package-root.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { DEMO_REPLAY } from '../../../server/demo/demo-defaults.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { type ServerHarness, startTestServer } from '../../support/server-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'r1flow-gate-'));
const demoFlow = JSON.parse(readFileSync(packagePath('examples/flows/nl2sql.flow.json'), 'utf8'));
let sim: SimLlmServer;
let h: ServerHarness;

beforeAll(async () => {
  const warehouse = join(dir, 'warehouse.sqlite');
  buildDemoWarehouse(warehouse);
  sim = await startSimLlm({ replayPath: DEMO_REPLAY, port: 0 });
  h = await startTestServer({
    dir,
    settings: settingsFrom(
      {},
      {
        R1FLOW_LLM_URL: sim.url,
        R1FLOW_WAREHOUSE: warehouse,
        R1FLOW_DATA_DIR: dir,
        R1FLOW_SCHEMA_INDEX_DIR: join(dir, 'index'),
      },
    ),
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PASSING = [
  { question: 'How many customers do we have?', expectedSql: 'SELECT COUNT(*) FROM customers;' },
  {
    question: 'How many orders were cancelled?',
    expectedSql: "SELECT COUNT(*) FROM orders WHERE status = 'cancelled';",
  },
];

const withTests = (questions: unknown[], minExecutionAccuracy: number) => ({
  ...demoFlow,
  testSet: { minExecutionAccuracy, questions },
});

describe('the publish gate of an NL2SQL flow', () => {
  it('publishes when the test set passes, scoring expected SQL and expected rows', async () => {
    const countRows = (await h.runtime.store.listRuns({ limit: 500 })).length;
    const rows = [{ question: 'How many customers do we have?', expectedRows: [[await customerCount()]] }];
    const published = await h.api('/api/flows/nl2sql/publish', {
      method: 'POST',
      json: { document: withTests([...PASSING, ...rows], 1), note: 'gated' },
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      published: true,
      version: { version: 1, publication: { note: 'gated' } },
      gate: { passed: true, correct: 3, total: 3, executionAccuracy: 1, failures: [] },
    });
    // One run of the version per question, marked as the gate's.
    const runs = await h.runtime.store.listRuns({ flowId: 'nl2sql', limit: 500 });
    expect(runs.length - countRows).toBe(3);
    expect(runs.every((run) => run.trigger.kind === 'eval' && run.flowVersion === 1)).toBe(true);
  }, 120_000);

  it('refuses a set with a wrong expectation below the threshold with 422, naming the failed question; nothing is published', async () => {
    const wrong = { question: 'How many orders were cancelled?', expectedRows: [[123456]] };
    const refused = await h.api('/api/flows/nl2sql/publish', {
      method: 'POST',
      json: { document: withTests([PASSING[0], wrong], 0.75), note: 'should not ship' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'PUBLISH_GATE_FAILED',
      message: expect.stringContaining('1 of 2'),
      gate: {
        passed: false,
        correct: 1,
        total: 2,
        minExecutionAccuracy: 0.75,
        failures: [{ number: 2, question: wrong.question, outcome: 'mismatch' }],
      },
    });
    expect(refused.body.error.gate.failures[0].predictedSql).toMatch(/cancelled/);
    const flow = (await h.api('/api/flows/nl2sql')).body;
    expect(flow.flow.publishedVersion).toBe(1);
    expect(flow.unpublishedChanges).toBe(true);
    const versions = (await h.api('/api/flows/nl2sql/versions')).body.versions;
    expect(versions).toMatchObject([
      { version: 2, publication: null },
      { version: 1, publication: { note: 'gated' } },
    ]);

    // The same set with a threshold it meets publishes.
    const lenient = await h.api('/api/flows/nl2sql/publish', {
      method: 'POST',
      json: { document: withTests([PASSING[0], wrong], 0.5) },
    });
    expect(lenient.body).toMatchObject({ published: true, gate: { passed: true, correct: 1, total: 2 } });
  }, 120_000);
});

async function customerCount(): Promise<number> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'warehouse.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
