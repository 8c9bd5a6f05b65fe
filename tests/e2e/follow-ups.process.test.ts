// The demo's follow-up end to end: `r1flow start` (simulated model server on the demo replay, demo
// warehouse) answers "How many orders were placed?", then "and only for 2023?" in the same
// thread, over real HTTP on 127.0.0.1; the model is shown the first question and its SQL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../engine/store/records.ts';
import type { Answer } from '../../nodes/types.ts';
import { ensureDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { type EditorServer, startEditorServer } from '../support/browser.ts';

const demoGold = JSON.parse(
  readFileSync(new URL('../../examples/replay/demo-gold.json', import.meta.url), 'utf8'),
) as { question: string; gold_sql: string }[];
const PLACED = 'How many orders were placed?';
const temp = makeTempDir('follow-ups');
let server: EditorServer;
let ordersIn: Record<string, number>;

beforeAll(async () => {
  server = await startEditorServer();
  // The same seeded warehouse the server built, to know the right counts.
  const db = new Database(ensureDemoWarehouse(join(temp.dir, 'warehouse.sqlite')), { readonly: true });
  const byYear = db
    .prepare("SELECT strftime('%Y', order_date) AS year, COUNT(*) AS n FROM orders GROUP BY year")
    .all() as { year: string; n: number }[];
  db.close();
  ordersIn = Object.fromEntries(byYear.map(({ year, n }) => [year, n]));
  expect(Object.keys(ordersIn)).toEqual(['2023', '2024']);
}, 120_000);

afterAll(async () => {
  await server?.close();
  temp.cleanup();
});

// The SQL the demo replay records for a question: the chosen SQL must be the replayed answer.
function recordedSql(question: string): string {
  const entry = demoGold.find((item) => item.question === question);
  if (!entry) throw new Error(`demo replay has no question ${question}`);
  expect(entry.gold_sql).toContain('2023');
  return entry.gold_sql;
}

interface Started {
  run: RunRecord & { output: { answer: Answer } };
}

async function ask(question: string, thread: { followUpOf?: string; threadId?: string } = {}) {
  const response = await server.api<Started>('POST', '/api/flows/nl2sql/runs?wait=60s', {
    input: { question },
    ...thread,
  });
  expect(response.status).toBe(200);
  expect(response.body.run.status).toBe('succeeded');
  return response.body.run;
}

describe('a follow-up question on the demo', () => {
  it('narrows the previous answer: the 2023 orders, with the year filter in the chosen SQL', async () => {
    const first = await ask(PLACED);
    expect(first.output.answer.rows).toEqual([[ordersIn['2023']! + ordersIn['2024']!]]);

    const followUp = await ask('and only for 2023?', { followUpOf: first.id });
    expect(followUp.threadId).toBe(first.id);
    expect(followUp.output.answer).toMatchObject({
      question: 'and only for 2023?',
      sql: recordedSql('and only for 2023?'),
      rows: [[ordersIn['2023']]],
      abstained: false,
    });
    expect(followUp.output.answer.confidence).toBeGreaterThanOrEqual(0.75);

    // What the model was shown: the first question and its SQL as earlier ChatML turns.
    const details = await server.api<{
      nodes: { nodeId: string; input: unknown; output: { prompt: string } }[];
    }>('GET', `/api/runs/${followUp.id}`);
    const generate = details.body.nodes.find((node) => node.nodeId === 'generate')!;
    expect(generate.input).toMatchObject({ history: [{ question: PLACED, sql: first.output.answer.sql }] });
    expect(generate.output.prompt).toContain(
      `<|im_start|>user\n${PLACED}<|im_end|>\n<|im_start|>assistant\n<answer>\n\`\`\`sql\n${first.output.answer.sql}\n\`\`\`\n</answer><|im_end|>\n<|im_start|>user\n`,
    );

    const third = await ask('and what about 2024?', { threadId: first.id });
    expect(third.output.answer.rows).toEqual([[ordersIn['2024']]]);
    const thread = await server.api<{ runs: RunRecord[] }>('GET', `/api/runs?threadId=${first.id}`);
    expect(thread.body.runs.map((run) => run.id)).toEqual([third.id, followUp.id, first.id]);
  });

  it('asked outside a thread, the follow-up fails at generate naming the recorded follow-ups', async () => {
    const response = await server.api<Started>('POST', '/api/flows/nl2sql/runs?wait=60s', {
      input: { question: 'and only for 2023?' },
    });
    expect(response.body.run.status).toBe('failed');
    expect(response.body.run.error).toMatchObject({ nodeId: 'generate' });
    const details = await server.api<{
      nodes: { nodeId: string; error: { code: string; message: string } | null }[];
    }>('GET', `/api/runs/${response.body.run.id}`);
    const error = details.body.nodes.find((node) => node.nodeId === 'generate')!.error!;
    expect(error.code).toBe('LLM_UNKNOWN_QUESTION');
    expect(error.message).toContain(`closest recorded questions: "${PLACED} → and only for 2023?"`);
  });
});
