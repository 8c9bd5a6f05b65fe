// `r1flow vote` through the real CLI: candidates run in the SQL sandbox, the vote prints JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.ts';
import { SPIDER_DEV_DIR } from '../support/datasets.ts';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-vote-'));
  db = join(dir, 'singers.sqlite');
  const database = new Database(db);
  database.exec(`CREATE TABLE singer (name TEXT, age INTEGER);
    INSERT INTO singer VALUES ('Joe', 30), ('Ann', 25), ('Bo', 41);`);
  database.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function candidatesFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const vote = (candidates: string, ...extra: string[]) =>
  runCli(['vote', '--db', db, '--candidates', candidates, ...extra]);

describe('r1flow vote', () => {
  it('prints the majority result, and why each rejected candidate did not vote; row order does not split a group', async () => {
    const file = candidatesFile('majority.json', [
      'SELECT name FROM singer WHERE age > 28',
      'SELECT nme FROM singer',
      'SELECT name FROM singer ORDER BY age',
      'SELECT name FROM singer WHERE age > 28 ORDER BY name',
      '',
      'SELECT name FROM singer',
      'SELECT name FROM singer WHERE age >= 30',
    ]);
    const result = await vote(file);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      index: 0,
      sql: 'SELECT name FROM singer WHERE age > 28',
      votes: 3,
      valid: 5,
      rejected: [
        {
          index: 1,
          sql: 'SELECT nme FROM singer',
          status: 'error',
          error: { code: 'SQL_ERROR', message: 'no such column: nme' },
        },
        {
          index: 4,
          sql: '',
          status: 'empty',
          error: { code: 'SQL_EMPTY', message: 'the candidate is empty' },
        },
      ],
    });
  });

  it("answers the README's example input with the README's example output", async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('- **`vote`**'));
    const [input, output] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const result = await runCli([
      'vote',
      '--db',
      join(SPIDER_DEV_DIR, 'databases', 'singer', 'singer.sqlite'),
      '--candidates',
      candidatesFile('readme.json', input!),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(output!));
  });

  it('a tie goes to the group seen first, as in SQL-R1', async () => {
    const file = candidatesFile('tie.json', ['SELECT 2', 'SELECT 1', 'SELECT 1.0', 'SELECT 2']);
    expect(JSON.parse((await vote(file)).stdout)).toMatchObject({ index: 0, sql: 'SELECT 2', votes: 2 });
  });

  it('prints index -1 when every candidate fails, a runaway query stopped at --timeout-ms', async () => {
    const file = candidatesFile('failing.json', [
      'DROP TABLE singer',
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r',
      'SELECT * FROM nowhere',
    ]);
    // Long enough that the two quick refusals answer in time on a loaded machine.
    const result = await vote(file, '--timeout-ms', '1500');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { rejected: { status: string; error: { code: string } }[] };
    expect(summary).toMatchObject({ index: -1, sql: null, votes: 0, valid: 0 });
    expect(summary.rejected.map((r) => [r.status, r.error.code])).toEqual([
      ['readonly_violation', 'SQL_READONLY_VIOLATION'],
      ['timeout', 'SQL_TIMEOUT'],
      ['error', 'SQL_ERROR'],
    ]);
  });

  it('a malformed candidates file is a clear error with exit 1', async () => {
    const broken = await vote(candidatesFile('broken.json', '["SELECT 1",'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);
    const wrongShape = await vote(candidatesFile('numbers.json', ['SELECT 1', 2]));
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toMatch(/must be a JSON array of SQL strings \(at \[1\]/);
    expect(wrongShape.stdout).toBe('');
  });

  it('a missing database is WAREHOUSE_NOT_FOUND with exit 1; missing flags exit 2', async () => {
    const missing = await runCli([
      'vote',
      '--db',
      join(dir, 'nope.sqlite'),
      '--candidates',
      candidatesFile('one.json', ['SELECT 1']),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('WAREHOUSE_NOT_FOUND');
    const usage = await runCli(['vote', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--db and --candidates are required');
  });
});
