// The user's first experience: `r1flow run examples/flows/nl2sql.flow.json --input '{"question": ...}'`
// on the demo warehouse, with sim-llm (started here, port 0) playing the scripted demo answers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { Answer } from '../../nodes/types.ts';
import { ensureDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { REPO_ROOT, runCli } from '../support/cli.ts';
import { closedPortUrl } from './support/closed-port-url.ts';

const FLOW = 'examples/flows/nl2sql.flow.json';
const DEMO_REPLAY = join(REPO_ROOT, 'examples', 'replay', 'demo.jsonl');
const DEMO_GOLD = JSON.parse(
  readFileSync(join(REPO_ROOT, 'examples', 'replay', 'demo-gold.json'), 'utf8'),
) as {
  question: string;
  gold_sql: string;
}[];
const NO_SUCH_TABLES = 'How many spaceships are docked at each moon base?';
const FIXED_ON_RETRY = 'How many customers are on file?';
const sqlAnswer = (sql: string) =>
  `<think>\nCount them.\n</think>\n<answer>\n\`\`\`sql\n${sql}\n\`\`\`\n</answer>`;

const temp = makeTempDir('nl2sql-flow');
let sim: SimLlmServer;
let warehouse: string;

beforeAll(async () => {
  warehouse = ensureDemoWarehouse(join(temp.dir, 'warehouse.sqlite'));
  // The demo answers plus one question whose every answer reads tables the warehouse lacks.
  const spaceships = Array.from(
    { length: 8 },
    (_, i) =>
      `<think>\nThe fleet is in the spaceships table.\n</think>\n<answer>\n\`\`\`sql\nSELECT base, COUNT(*) FROM ${i % 2 ? 'spaceships' : 'moon_bases'} GROUP BY base;\n\`\`\`\n</answer>`,
  );
  const replay = join(temp.dir, 'replay.jsonl');
  writeFileSync(
    replay,
    [
      readFileSync(DEMO_REPLAY, 'utf8').trimEnd(),
      JSON.stringify({ db_id: 'warehouse', question: NO_SUCH_TABLES, responses: spaceships }),
      // Every first answer misspells the table; sql.correct's prompt gets the right one.
      JSON.stringify({
        db_id: 'warehouse',
        question: FIXED_ON_RETRY,
        responses: [sqlAnswer('SELECT COUNT(*) FROM customer;')],
        corrections: [sqlAnswer('SELECT COUNT(*) FROM customers;')],
      }),
      '',
    ].join('\n'),
  );
  sim = await startSimLlm({ port: 0, replayPath: replay });
});

afterAll(async () => {
  await sim.close();
  temp.cleanup();
});

function ask(question: string, env: Record<string, string> = {}, db = join(temp.dir, 'r1flow.db')) {
  return runCli(['run', FLOW, '--input', JSON.stringify({ question }), '--db', db], {
    R1FLOW_LLM_URL: sim.url,
    R1FLOW_WAREHOUSE: warehouse,
    R1FLOW_SCHEMA_INDEX_DIR: join(temp.dir, 'schema-index'),
    ...env,
  });
}

/** The gold query's rows as a set (the vote's notion of the same result). */
function goldRows(question: string): string[] {
  const gold = DEMO_GOLD.find((entry) => entry.question === question)!.gold_sql;
  const db = new Database(warehouse, { readonly: true });
  try {
    return rowSet(db.prepare(gold).raw(true).all() as unknown[][]);
  } finally {
    db.close();
  }
}

const rowSet = (rows: unknown[][]) => [...new Set(rows.map((row) => JSON.stringify(row)))].sort();

describe('the NL2SQL example flow', () => {
  it('passes r1flow validate', async () => {
    const result = await runCli(['validate', FLOW]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`${FLOW}: valid (7 nodes)`);
  });

  it('answers a demo question with the rows, the SQL most samples agree on and its confidence', async () => {
    const question = 'How many customers are there in each region?';
    const result = await ask(question);
    expect(result.code).toBe(0);
    const { answer } = JSON.parse(result.stdout) as { answer: Answer };
    expect(answer).toMatchObject({
      question,
      sql: 'SELECT r.name, COUNT(*) FROM customers AS c JOIN regions AS r ON c.region_id = r.region_id GROUP BY r.name;',
      columns: ['name', 'COUNT(*)'],
      confidence: 0.625,
      abstained: false,
    });
    expect(rowSet(answer.rows)).toEqual(goldRows(question));
    expect(answer.clusters?.[0]).toMatchObject({ votes: 5, members: [0, 1, 3, 5, 7] });
    expect(answer.explanation).not.toBe('');
    for (const node of ['start', 'retrieve', 'generate', 'execute', 'correct', 'vote', 'answer']) {
      expect(result.stderr).toContain(`node ${node} succeeded`);
    }
  });

  it('reports a split vote as low confidence', async () => {
    const question = 'What percentage of orders were returned?';
    const { answer } = JSON.parse((await ask(question)).stdout) as { answer: Answer };
    expect(answer.confidence).toBe(0.375);
    expect(rowSet(answer.rows)).toEqual(goldRows(question));
  });

  it('a question about tables that do not exist gets no SQL and says why, instead of failing', async () => {
    const result = await ask(NO_SUCH_TABLES);
    expect(result.code).toBe(0);
    const { answer } = JSON.parse(result.stdout) as { answer: Answer };
    expect(answer).toMatchObject({
      sql: null,
      rows: [],
      confidence: 0,
      abstained: true,
      // sql.correct asked twice more (2 rounds of 8); the demo replay repeats its failing answers.
      reason: 'none of the 24 candidates ran (24 error)',
    });
  });

  it('when every sample fails, sql.correct asks again with the errors and the corrected SQL answers', async () => {
    const db = join(temp.dir, 'corrected.db');
    const result = await ask(FIXED_ON_RETRY, {}, db);
    expect(result.code).toBe(0);
    const { answer } = JSON.parse(result.stdout) as { answer: Answer };
    expect(answer).toMatchObject({
      sql: 'SELECT COUNT(*) FROM customers;',
      abstained: false,
      confidence: 0.5,
    });
    expect(rowSet(answer.rows)).toEqual(goldRows('How many customers do we have?'));
    expect(sim.recentPrompts().at(-1)).toContain(
      'SELECT COUNT(*) FROM customer;\n```\nError: error: no such table: customer',
    );
    const store = new SqliteStore(db);
    try {
      const [run] = await store.listRuns();
      const correct = (await store.getRun(run!.id))?.nodes.find((node) => node.nodeId === 'correct');
      expect(correct?.output).toMatchObject({
        corrections: [
          { attempt: 1, candidates: [8, 9, 10, 11, 12, 13, 14, 15], statuses: Array(8).fill('ok') },
        ],
      });
    } finally {
      await store.close();
    }
  });

  it('with the model server down the run fails at the generate node with LLM_UNREACHABLE', async () => {
    const db = join(temp.dir, 'down.db');
    const result = await ask('How many customers do we have?', { R1FLOW_LLM_URL: await closedPortUrl() }, db);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/node generate failed \(LLM_UNREACHABLE: .*127\.0\.0\.1/);
    expect(result.stderr).toMatch(/failed at node "generate" \(LLM_UNREACHABLE; its error is above\)\n$/);
    const store = new SqliteStore(db);
    try {
      const [run] = await store.listRuns();
      expect(run).toMatchObject({ status: 'failed', error: { code: 'LLM_UNREACHABLE', nodeId: 'generate' } });
    } finally {
      await store.close();
    }
  });
});
