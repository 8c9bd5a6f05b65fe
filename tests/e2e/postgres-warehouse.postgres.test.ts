// What a new user does to ask the demo questions of their own PostgreSQL: start r1flow, add the
// server as a connection through the API, load the demo into it (`r1flow demo load --connection`),
// point the NL2SQL example flow's schema.retrieve at the connection and ask through the API, with
// sim-llm playing the scripted demo answers. The answer's rows must be what PostgreSQL returns for
// the question's gold SQL, and nothing the API returns may hold the connection's password.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../engine/host-settings.ts';
import { resultsEqual } from '../../eval/scoring/result-eq.ts';
import type { Answer, Cell } from '../../nodes/types.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { REPO_ROOT, runCli } from '../support/cli.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';

const REPLAY = join(REPO_ROOT, 'examples', 'replay', 'demo.jsonl');
const FLOW = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'flows', 'nl2sql.flow.json'), 'utf8')) as {
  nodes: { id: string; params: Record<string, unknown> }[];
};
const GOLD = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'replay', 'demo-gold.json'), 'utf8')) as {
  question: string;
  gold_sql: string;
}[];
const PASSWORD = 'e2e-Demo-pw-4b1d';

let postgres: PostgresServer;
let sim: SimLlmServer;
let h: ServerHarness;
let gold: pg.Client;
/** Every body the API answered, searched for the password at the end. */
const seen: string[] = [];

beforeAll(async () => {
  postgres = await startPostgresServer();
  await postgres.createDatabase('shop');
  await postgres.query(`CREATE ROLE shop_owner LOGIN PASSWORD '${PASSWORD}'`);
  await postgres.query('ALTER DATABASE shop OWNER TO shop_owner');
  await postgres.query('GRANT ALL ON SCHEMA public TO shop_owner', [], 'shop');
  sim = await startSimLlm({ port: 0, replayPath: REPLAY });
  h = await startTestServer({
    settings: settingsFrom({ R1FLOW_LLM_URL: sim.url }),
  });
  // The gold side, read straight through pg (numbers as numbers, as the executor gives them).
  const numeric = new Set([20, 21, 23, 700, 701, 1700]);
  gold = new pg.Client({
    connectionString: postgres.urlFor('shop'),
    types: { getTypeParser: (oid: number) => (text: string) => (numeric.has(oid) ? Number(text) : text) },
  } as pg.ClientConfig);
  await gold.connect();
});

afterAll(async () => {
  await gold?.end();
  await h?.close();
  await sim?.close();
  await postgres?.close();
});

async function api(path: string, init: { method?: string; json?: unknown } = {}) {
  const response = await h.api(path, init);
  seen.push(JSON.stringify(response.body));
  return response;
}

async function goldRows(question: string): Promise<Cell[][]> {
  const sql = GOLD.find((entry) => entry.question === question)?.gold_sql ?? '';
  return (await gold.query({ text: sql, rowMode: 'array' })).rows as Cell[][];
}

describe('the NL2SQL flow on a PostgreSQL connection', () => {
  it('a new user adds the connection, loads the demo, points the flow at it and gets the answers', async () => {
    const url = postgres.urlFor('shop', { name: 'shop_owner', password: PASSWORD });
    const added = await api('/api/connections', { method: 'POST', json: { name: 'shop', url } });
    expect(added.status).toBe(201);
    expect(added.body.connection).toMatchObject({ name: 'shop', kind: 'postgres' });
    expect(
      (await api('/api/connections/shop/test', { method: 'POST' })).body.connection.lastTest,
    ).toMatchObject({
      ok: true,
    });

    // The CLI reads the same store and key as the server.
    const loaded = await runCli(['demo', 'load', '--connection', 'shop', '--store', join(h.dir, 'r1.db')]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('6802 rows');
    expect(loaded.stdout + loaded.stderr).not.toContain(PASSWORD);

    const flow = {
      ...FLOW,
      id: 'ask-shop',
      nodes: FLOW.nodes.map((node) =>
        node.id === 'retrieve' ? { ...node, params: { ...node.params, connection: 'shop' } } : node,
      ),
    };
    expect((await api('/api/flows', { method: 'POST', json: flow })).status).toBe(201);

    const questions = [
      'How many customers are there in each region?',
      'What percentage of orders were returned?',
      'Not counting cancelled orders, what was the revenue for each month of 2024?',
    ];
    for (const question of questions) {
      expect(
        GOLD.some((entry) => entry.question === question),
        question,
      ).toBe(true);
      const asked = await api('/api/flows/ask-shop/runs?wait=60s', {
        method: 'POST',
        json: { input: { question } },
      });
      expect(asked.body.run.status, question).toBe('succeeded');
      const run = await api(`/api/runs/${asked.body.run.id}`);
      const schema = run.body.nodes.find((node: { nodeId: string }) => node.nodeId === 'retrieve').output
        .schema;
      expect(schema).toMatchObject({ database: 'connection:shop', dialect: 'postgres' });
      expect(schema.ddl).toContain('CREATE TABLE customers');
      const answer = asked.body.run.output.answer as Answer;
      expect(answer.abstained, question).toBe(false);
      expect(answer.rows.length, question).toBeGreaterThan(0);
      expect(resultsEqual(answer.rows, await goldRows(question), false), question).toBe(true);
    }

    const everything = seen.join('\n');
    expect(everything).toContain('connection:shop');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(PASSWORD));
  });
});
