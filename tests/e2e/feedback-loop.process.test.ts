// The feedback → verified example → better answer loop, end to end through the HTTP API: a real
// server, the demo warehouse, sql.execute's sandbox children and sim-llm.
//
// How the simulator is scripted, honestly: sim-llm answers from recorded responses keyed by the
// prompt's question, so by itself it cannot learn. This test's replay gives the two "shipped"
// questions a plain line whose eight answers count every order (wrong), and an
// `ifPromptContains` line, keyed on the corrected SQL's WHERE clause, whose answers filter on the
// status (right): it plays a model that copies a verified example it is shown. What the test
// proves is r1flow's part of the loop: the down-vote with corrected SQL, the review that runs the
// SQL and stores the example, the index written for the warehouse, examples.retrieve finding it
// for a differently worded question, the prompt carrying it, and the answer (rows included)
// changing because of it; and that deleting the example takes it out of the prompt again.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';

const FLOW = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/flows/nl2sql-examples.flow.json'), 'utf8'));
const FIRST = 'How many orders have been shipped?';
const SIMILAR = 'How many orders were shipped so far?';
const WRONG = 'SELECT COUNT(*) FROM orders;';
const CORRECTED = "SELECT COUNT(*) FROM orders WHERE status = 'shipped';";

const response = (think: string, sql: string) =>
  `<think>\n${think}\n</think>\n<answer>\n\`\`\`sql\n${sql}\n\`\`\`\n</answer>`;
const eight = (think: string, sql: string) => Array.from({ length: 8 }, () => response(think, sql));

const temp = makeTempDir('feedback-loop');
let sim: SimLlmServer;
let h: ServerHarness;
let warehouse: string;

beforeAll(async () => {
  warehouse = ensureDemoWarehouse(join(temp.dir, 'warehouse.sqlite'));
  const lines = [FIRST, SIMILAR].flatMap((question) => [
    { question, responses: eight('Orders are in the orders table; count them.', WRONG) },
    {
      question,
      ifPromptContains: "WHERE status = 'shipped'",
      responses: eight('The verified example filters on the status; do the same.', CORRECTED),
    },
  ]);
  const replay = join(temp.dir, 'replay.jsonl');
  writeFileSync(
    replay,
    `${lines.map((line) => JSON.stringify({ db_id: 'warehouse', ...line })).join('\n')}\n`,
  );
  sim = await startSimLlm({ port: 0, replayPath: replay });
  process.env.R1FLOW_LLM_URL = sim.url;
  process.env.R1FLOW_WAREHOUSE = warehouse;
  process.env.R1FLOW_SCHEMA_INDEX_DIR = join(temp.dir, 'schema-index');
  h = await startTestServer({ dir: join(temp.dir, 'server') });
  expect((await h.api('/api/flows', { method: 'POST', json: FLOW })).status).toBe(201);
});

afterAll(async () => {
  await h?.close();
  await sim?.close();
  for (const name of ['R1FLOW_LLM_URL', 'R1FLOW_WAREHOUSE', 'R1FLOW_SCHEMA_INDEX_DIR'])
    delete process.env[name];
  temp.cleanup();
});

function count(sql: string): number {
  const db = new Database(warehouse, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

async function ask(question: string) {
  const started = await h.api(`/api/flows/${FLOW.id}/runs?wait=60s`, {
    method: 'POST',
    json: { input: { question } },
  });
  expect(started.body.run.status).toBe('succeeded');
  const detail = await h.api(`/api/runs/${started.body.run.id}`);
  const node = (id: string) => detail.body.nodes.find((n: { nodeId: string }) => n.nodeId === id).output;
  return {
    runId: started.body.run.id as string,
    answer: started.body.run.output.answer,
    examples: node('examples').examples as { question: string; sql: string; score: number }[],
    prompt: node('generate').prompt as string,
  };
}

describe('feedback → verified example → better answer', () => {
  it('turns a reviewed down-vote into an example that fixes a similar question, and deleting it undoes that', async () => {
    const all = count(WRONG);
    const shipped = count(CORRECTED);
    expect(shipped).toBeLessThan(all);

    // Before any feedback both wordings are answered wrong, with SQL-R1's prompt and no examples.
    const first = await ask(FIRST);
    expect(first.answer.sql).toBe(WRONG);
    expect(first.answer.rows).toEqual([[all]]);
    expect(first.examples).toEqual([]);
    expect(first.prompt).not.toContain('Verified Examples');
    expect((await ask(SIMILAR)).answer.sql).toBe(WRONG);

    // A user down-votes the first answer with the SQL that is right.
    const voted = await h.api(`/api/runs/${first.runId}/feedback`, {
      method: 'POST',
      json: { rating: 'down', sql: CORRECTED, comment: 'counts every order, not the shipped ones' },
    });
    expect(voted.status).toBe(201);
    expect(voted.body.feedback).toMatchObject({
      runId: first.runId,
      rating: 'down',
      question: FIRST,
      chosenSql: WRONG,
      correctedSql: CORRECTED,
      warehouse,
      dialect: 'sqlite',
      state: 'pending',
    });
    const pending = await h.api('/api/feedback?state=pending');
    expect(pending.body.feedback.map((f: { id: string }) => f.id)).toEqual([voted.body.feedback.id]);

    // An admin accepts it: the corrected SQL runs, becomes a verified example, and is indexed.
    const reviewed = await h.api(`/api/feedback/${voted.body.feedback.id}/review`, {
      method: 'POST',
      json: { accept: true },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.feedback.state).toBe('accepted');
    expect(reviewed.body.example).toMatchObject({ warehouse, question: FIRST, sql: CORRECTED });
    expect((await h.api('/api/examples')).body.examples).toEqual([reviewed.body.example]);
    const indexDir = join(h.dir, 'examples-index');
    expect(readdirSync(indexDir).filter((file) => file.endsWith('.r1flow-examples.sqlite'))).toHaveLength(1);

    // The similar question now retrieves the example, shows it in the prompt, and is answered right.
    const better = await ask(SIMILAR);
    expect(better.examples).toEqual([{ question: FIRST, sql: CORRECTED, score: expect.any(Number) }]);
    expect(better.prompt).toContain(`Verified Examples:`);
    expect(better.prompt).toContain(`Question: ${FIRST}\n\`\`\`sql\n${CORRECTED}\n\`\`\``);
    expect(better.answer.sql).toBe(CORRECTED);
    expect(better.answer.rows).toEqual([[shipped]]);

    // The user up-votes the better answer; the export scores both runs against the verified SQL.
    const up = await h.api(`/api/runs/${better.runId}/feedback`, { method: 'POST', json: { rating: 'up' } });
    expect(up.status).toBe(201);
    const exported = await fetch(`${h.url}/api/feedback/export.jsonl`);
    expect(exported.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const records = (await exported.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((r) => [r.question, r.rating, r.reviewState])).toEqual([
      [FIRST, 'down', 'accepted'],
      [SIMILAR, 'up', 'pending'],
    ]);
    expect(records[0]).toMatchObject({
      chosenSql: WRONG,
      correctedSql: CORRECTED,
      referenceSql: CORRECTED,
      schema: expect.stringContaining('CREATE TABLE orders'),
      prompt: first.prompt,
      reward: { outcome: 'mismatch', format: 1, execution: 2, result: -3, length: 0, total: 0 },
    });
    // A pending up-vote has no verified or corrected SQL yet: nothing to score against.
    expect(records[1]).toMatchObject({ chosenSql: CORRECTED, referenceSql: null, reward: null });

    // Deleting the example rewrites the index without it: the similar question is wrong again.
    const deleted = await h.api(`/api/examples/${reviewed.body.example.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const again = await ask(SIMILAR);
    expect(again.examples).toEqual([]);
    expect(again.answer.sql).toBe(WRONG);
    expect(existsSync(indexDir)).toBe(true);
  });

  it("accepts only SQL that runs read-only on the run's warehouse", async () => {
    const run = await ask(FIRST);
    const vote = await h.api(`/api/runs/${run.runId}/feedback`, { method: 'POST', json: { rating: 'down' } });
    const review = (sql: string) =>
      h.api(`/api/feedback/${vote.body.feedback.id}/review`, { method: 'POST', json: { accept: true, sql } });
    const before = count(WRONG);

    const broken = await review('SELECT COUNT(*) FROM shipments');
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatchObject({ code: 'FEEDBACK_NOT_VERIFIABLE' });
    expect(broken.body.error.message).toContain('no such table: shipments');
    const write = await review("UPDATE orders SET status = 'shipped'");
    expect(write.status).toBe(422);
    expect(count(WRONG)).toBe(before);
    expect(count(CORRECTED)).toBeLessThan(before);

    expect((await h.api('/api/examples')).body.examples).toEqual([]);
    expect((await h.api(`/api/feedback?run=${run.runId}`)).body.feedback[0].state).toBe('pending');

    // The review's SQL is in the audit log with the run's, named by the feedback it verified.
    const audited = (await h.api(`/api/audit?run=${run.runId}&kind=sql`)).body.entries.filter(
      (entry: { target: string | null }) => entry.target === vote.body.feedback.id,
    );
    expect(audited.map((e: { outcome: string; sql: { sql: string } }) => [e.outcome, e.sql.sql])).toEqual([
      ['refused', "UPDATE orders SET status = 'shipped'"],
      ['error', 'SELECT COUNT(*) FROM shipments'],
    ]);
  });
});
