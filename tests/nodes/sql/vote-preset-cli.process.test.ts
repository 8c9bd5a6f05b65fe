// `--preset` of `r1flow vote` and `r1flow eval` through the real CLI: the vote's answer changes
// with it, and `r1flow eval` through the NL2SQL flow reproduces the r1flow preset's number that
// bench/vote-selection.ts reports.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { runEval } from '../../eval/support/run-eval.ts';
import { runCli } from '../../support/cli.ts';
import { SPIDER_DEV_DIR } from '../../support/datasets.ts';

let dir: string;
let db: string;
let simLlm: SimLlmServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-vote-preset-'));
  db = join(dir, 'singers.sqlite');
  const database = new Database(db);
  database.exec(`CREATE TABLE singer (name TEXT, age INTEGER);
    INSERT INTO singer VALUES ('Joe', 30), ('Ann', 25), ('Bo', 41);`);
  database.close();
  simLlm = await startSimLlm({ port: 0, replayPath: join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl') });
});
afterAll(async () => {
  await simLlm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--preset', () => {
  // Three candidates agree on no rows, two on one.
  const candidates = [
    'SELECT name FROM singer WHERE age > 50',
    'SELECT name FROM singer WHERE age > 60',
    'SELECT name FROM singer WHERE age < 0',
    'SELECT name FROM singer WHERE age > 40',
    'SELECT name FROM singer WHERE age >= 41',
  ];

  it('r1flow vote: SQL-R1’s majority by default, the r1flow selection with --preset r1flow', async () => {
    const file = join(dir, 'candidates.json');
    writeFileSync(file, JSON.stringify(candidates));
    const plain = await runCli(['vote', '--db', db, '--candidates', file]);
    expect(JSON.parse(plain.stdout)).toEqual({
      index: 0,
      sql: candidates[0],
      votes: 3,
      valid: 5,
      rejected: [],
    });
    const tuned = await runCli(['vote', '--db', db, '--candidates', file, '--preset', 'r1flow']);
    expect(tuned.code).toBe(0);
    expect(JSON.parse(tuned.stdout)).toEqual({
      index: 3,
      sql: candidates[3],
      votes: 2,
      valid: 5,
      rejected: [],
    });
    const unknown = await runCli(['vote', '--db', db, '--candidates', file, '--preset', 'best']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--preset must be one of sql-r1, r1flow, got "best"');
  });

  it('r1flow eval --preset r1flow through the NL2SQL flow gives the in-sample EX bench/vote-selection reports', async () => {
    const reported = JSON.parse(
      readFileSync(new URL('../../../bench/results/vote-selection.json', import.meta.url), 'utf8'),
    );
    const { correct, total, ex } = reported.r1flow.inSample.all;
    const result = await runEval([SPIDER_DEV_DIR, '--llm', simLlm.url, '--preset', 'r1flow']);
    expect(result.code).toBe(0);
    expect(result.exLine).toBe(`EX ${ex.toFixed(2)}% (${correct}/${total})`);
    expect(result.summary).toMatchObject({ preset: 'r1flow', errors: {} });
  }, 120_000);

  it('r1flow eval refuses --preset with --predictions, and with a flow that has no sql.vote', async () => {
    const predictions = join(dir, 'predictions.json');
    writeFileSync(predictions, '{}');
    const withFile = await runEval([SPIDER_DEV_DIR, '--predictions', predictions, '--preset', 'r1flow']);
    expect(withFile.code).not.toBe(0);
    expect(withFile.stderr).toContain('cannot be combined with --flow, --llm or --preset');
    const noVote = await runEval([
      SPIDER_DEV_DIR,
      '--flow',
      'examples/flows/hello-branch.flow.json',
      '--preset',
      'sql-r1',
    ]);
    expect(noVote.code).not.toBe(0);
    expect(noVote.stderr).toContain('the flow has no sql.vote node');
  });
});
