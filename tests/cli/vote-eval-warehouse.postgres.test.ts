// `r1flow vote --db` and `r1flow eval --warehouse` on PostgreSQL: the demo loaded into a real server
// (what `r1flow demo load` runs) against the SQLite demo built from the same seed. The vote over each
// demo question's scripted candidates, and the evaluation of the NL2SQL flow with sim-llm playing
// the demo replay, must come out the same on both engines.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourcePool } from '../../engine/resources.ts';
import type { QuestionReport } from '../../eval/runner/score-prediction.ts';
import { voteOnWarehouse } from '../../server/cli/vote-on-warehouse.ts';
import { parseWarehouseArg, warehouseRunner } from '../../server/cli/warehouse-arg.ts';
import { buildDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { loadDemoIntoPostgres } from '../../server/demo/load-postgres.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { runEval } from '../eval/support/run-eval.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { REPO_ROOT, runCli } from '../support/cli.ts';
import type { PostgresServer } from '../support/postgres-server.ts';
import { startPostgresServer } from '../support/postgres-server.ts';

const REPLAY = join(REPO_ROOT, 'examples', 'replay', 'demo.jsonl');
const replayed = readFileSync(REPLAY, 'utf8')
  .trimEnd()
  .split('\n')
  .slice(1)
  .map((line) => JSON.parse(line) as { question: string; responses: string[]; follows?: string });
const gold = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'replay', 'demo-gold.json'), 'utf8')) as {
  question: string;
  gold_sql: string;
}[];
/** Follow-ups need the earlier turn, which an evaluation question does not carry. */
const standalone = replayed.filter((entry) => entry.follows === undefined);

const PASSWORD = 'vote-eval-s3cret';
const temp = makeTempDir('vote-eval-pg');
let server: PostgresServer;
let sim: SimLlmServer;
/** The demo database as a URL with a password (a role made for this test). */
let pgUrl: string;
let dataset: string;
let sqliteWarehouse: string;

beforeAll(async () => {
  server = await startPostgresServer();
  const plain = await server.createDatabase('demo');
  await loadDemoIntoPostgres({ name: 'demo', kind: 'postgres', url: plain });
  await server.query(`CREATE ROLE reader LOGIN PASSWORD '${PASSWORD}'`, [], 'demo');
  await server.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader', [], 'demo');
  pgUrl = server.urlFor('demo', { name: 'reader', password: PASSWORD });
  dataset = writeDemoDataset();
  sqliteWarehouse = join(dataset, 'databases', 'warehouse', 'warehouse.sqlite');
  sim = await startSimLlm({ port: 0, replayPath: REPLAY });
});

afterAll(async () => {
  await sim?.close();
  await server?.close();
  temp.cleanup();
});

/** A Spider-layout dataset of the demo: its standalone questions, their gold SQL, the SQLite file. */
function writeDemoDataset(): string {
  const dir = join(temp.dir, 'demo-dataset');
  const file = join(dir, 'databases', 'warehouse', 'warehouse.sqlite');
  mkdirSync(dirname(file), { recursive: true });
  buildDemoWarehouse(file);
  const questions = standalone.map(({ question }, index) => ({
    question_id: index,
    db_id: 'warehouse',
    question,
    gold_sql: gold.find((entry) => entry.question === question)?.gold_sql ?? '',
  }));
  writeFileSync(join(dir, 'questions.json'), JSON.stringify(questions));
  writeFileSync(join(dir, 'tables.json'), JSON.stringify([spiderTablesEntry(file)]));
  return dir;
}

/** tables.json's entry for a SQLite file (Spider's hardness needs the table and column names). */
function spiderTablesEntry(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
      )
      .pluck()
      .all() as string[];
    const columns = tables.flatMap((table, index) =>
      (db.pragma(`table_info(${table})`) as { name: string }[]).map(({ name }) => [index, name]),
    );
    return {
      db_id: 'warehouse',
      table_names_original: tables,
      column_names_original: [[-1, '*'], ...columns],
    };
  } finally {
    db.close();
  }
}

/** SQL-R1's extraction: the last ```sql block of the response ('' when there is none). */
const lastSqlBlock = (response: string) => [...response.matchAll(/```sql\s*(.*?)\s*```/gs)].at(-1)?.[1] ?? '';

interface VoteLine {
  index: number;
  sql: string | null;
  votes: number;
  valid: number;
  rejected: { index: number; status: string }[];
}

async function vote(db: string, candidates: string, ...extra: string[]): Promise<VoteLine> {
  const result = await runCli(['vote', '--db', db, '--candidates', candidates, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as VoteLine;
}

/** What must agree between engines: the error messages are each engine's own words. */
const comparable = ({ rejected, ...line }: VoteLine) => ({
  ...line,
  rejected: rejected.map(({ index, status }) => ({ index, status })),
});

describe('r1flow vote on PostgreSQL', () => {
  it('picks the same candidate with the same votes as on SQLite, for every demo question', async () => {
    // In process, through the code the command runs (a CLI process a question is slow on a busy host).
    const resources = new ResourcePool();
    try {
      const [onSqlite, onPostgres] = await Promise.all([
        warehouseRunner(await parseWarehouseArg(sqliteWarehouse), resources),
        warehouseRunner(await parseWarehouseArg(pgUrl), resources),
      ]);
      const limits = { timeoutMs: 10_000, maxRows: 100_000 };
      for (const preset of ['sql-r1', 'r1flow'] as const) {
        for (const { question, responses } of standalone) {
          const sqls = responses.map(lastSqlBlock);
          const lite = await voteOnWarehouse(onSqlite, sqls, { ...limits, preset });
          const postgres = await voteOnWarehouse(onPostgres, sqls, { ...limits, preset });
          expect(comparable(postgres), `${preset}: ${question}`).toEqual(comparable(lite));
          expect(postgres.index, question).toBeGreaterThanOrEqual(0);
        }
      }
    } finally {
      await resources.disposeAll();
    }
  });

  it('the command takes a postgres:// URL or connection:NAME (with --store) and never prints the password', async () => {
    const percentage = standalone.findIndex(({ question }) => /percentage/i.test(question));
    const candidates = join(temp.dir, 'candidates.json');
    writeFileSync(candidates, JSON.stringify(standalone[percentage]!.responses.map(lastSqlBlock)));
    const store = join(temp.dir, 'vote-store', 'r1flow.db');
    mkdirSync(dirname(store));
    const added = await runCli(['connections', 'add', 'demo', pgUrl, '--db', store]);
    expect(added.code, added.stderr).toBe(0);

    const onSqlite = await vote(sqliteWarehouse, candidates);
    const byUrl = await vote(pgUrl, candidates);
    const byName = await vote('connection:demo', candidates, '--store', store);
    expect(comparable(byUrl)).toEqual(comparable(onSqlite));
    expect(byName).toEqual(byUrl);
    expect(JSON.stringify([byUrl, byName])).not.toContain(PASSWORD);

    const missing = await runCli([
      'vote',
      '--db',
      'connection:nope',
      '--candidates',
      candidates,
      '--store',
      store,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error CONNECTION_NOT_FOUND: .*"nope"/);
  });

  it('a wrong password fails with WAREHOUSE_CONNECT_FAILED, naming the server but not the password', async () => {
    const wrong = server.urlFor('demo', { name: 'reader', password: 'not-the-password' });
    const candidates = join(temp.dir, 'one.json');
    writeFileSync(candidates, JSON.stringify(['SELECT 1']));
    const result = await runCli(['vote', '--db', wrong, '--candidates', candidates]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error WAREHOUSE_CONNECT_FAILED: .*reader@127\.0\.0\.1:\d+\/demo/);
    expect(result.stderr).not.toContain('not-the-password');
    expect(result.stdout).toBe('');
  });
});

describe('r1flow eval --warehouse on PostgreSQL', () => {
  it('scores the NL2SQL flow on the PostgreSQL copy exactly as on the SQLite files', async () => {
    const outSqlite = join(temp.dir, 'eval-sqlite.json');
    const outPostgres = join(temp.dir, 'eval-postgres.json');
    const onSqlite = await runEval([dataset, '--llm', sim.url, '--out', outSqlite]);
    const onPostgres = await runEval([dataset, '--llm', sim.url, '--out', outPostgres, '--warehouse', pgUrl]);
    expect(onSqlite.code, onSqlite.stderr).toBe(0);
    expect(onPostgres.code, onPostgres.stderr).toBe(0);

    expect(onPostgres.summary?.questions).toBe(standalone.length);
    expect(onPostgres.summary?.correct).toBe(onSqlite.summary?.correct);
    expect(onPostgres.exLine).toBe(onSqlite.exLine);
    expect(onPostgres.summary?.warehouse).toMatch(/^postgres:\/\/reader@127\.0\.0\.1:\d+\/demo$/);
    expect(onPostgres.stdout + onPostgres.stderr).not.toContain(PASSWORD);

    const perQuestion = (path: string) =>
      (JSON.parse(readFileSync(path, 'utf8')) as QuestionReport[]).map(
        ({ question_id, pred_sql, correct, outcome, votes }) => ({
          question_id,
          pred_sql,
          correct,
          outcome,
          votes,
        }),
      );
    expect(perQuestion(outPostgres)).toEqual(perQuestion(outSqlite));
    // The demo replay's majority answers are right on all but a few questions.
    expect(onPostgres.summary?.correct).toBeGreaterThan(standalone.length * 0.8);
  });
});
