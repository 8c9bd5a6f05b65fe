// A clone of this repository on its own, with nothing beside it: the README's commands that need
// no server (validate, eval --predictions, vote) run there on the data the repository carries, and
// they leave the clone's files as they were. The clone is of the committed HEAD; node_modules is
// linked from this checkout so no network is needed, and the install's build step (`npm run build`,
// what `prepare` runs) compiles the CLI the `r1flow` bin starts.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, collectOutput, REPO_ROOT } from '../support/cli.ts';

let parent: string;
let clone: string;

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'r1flow-clone-'));
  clone = join(parent, 'r1flow');
  execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: clone, stdio: 'ignore' });
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function r1flow(args: string[]): Promise<CliResult> {
  // Only PATH and HOME: no R1FLOW_* or dataset variables leak in from the test's environment.
  const child = spawn(process.execPath, [join(clone, 'bin', 'r1flow.js'), ...args], {
    cwd: clone,
    env: { PATH: process.env.PATH ?? '', HOME: parent },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collectOutput(child);
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });

/** `git grep` lines for any of the patterns; '' when none matches (git grep then exits 1). */
function gitGrep(patterns: string[], ...pathspec: string[]): string {
  try {
    return git('grep', '-n', '-I', ...patterns.flatMap((p) => ['-e', p]), '--', '.', ...pathspec);
  } catch (error) {
    if ((error as { status?: number }).status === 1) return '';
    throw error;
  }
}

describe('a fresh clone with no sibling shared/ folder', () => {
  it('has nothing beside it, and no tracked file names a path outside the repository', () => {
    expect(readdirSync(dirname(clone))).toEqual(['r1flow']);
    // The bracket keeps each pattern from matching its own text, so this file is searched too.
    const hits = gitGrep(['/wor[k]/', '\\.\\./share[d]']);
    expect(hits).toBe('');
  });

  it('carries the Spider dev subset and the GPU profile', () => {
    const questions = JSON.parse(readFileSync(join(clone, 'datasets/spider-dev/questions.json'), 'utf8'));
    expect(questions).toHaveLength(499);
    expect(
      readFileSync(join(clone, 'datasets/spider-dev/replay-ensemble.jsonl'), 'utf8').trim().split('\n'),
    ).toHaveLength(499);
    expect(existsSync(join(clone, 'datasets/spider-dev/LICENSE.md'))).toBe(true);
    expect(
      JSON.parse(readFileSync(join(clone, 'datasets/gpu-profiles/h100-qwen2.5-coder-7b.json'), 'utf8')).rows
        .length,
    ).toBeGreaterThan(0);
  });

  it('validate, eval --predictions and vote run as the README shows them', async () => {
    const validate = await r1flow(['validate', 'examples/flows/nl2sql.flow.json']);
    expect(validate.code).toBe(0);

    const questions = JSON.parse(readFileSync(join(clone, 'datasets/spider-dev/questions.json'), 'utf8')) as {
      question_id: number;
      gold_sql: string;
    }[];
    const predictions = join(parent, 'predictions.json');
    writeFileSync(
      predictions,
      JSON.stringify(Object.fromEntries(questions.map((q) => [q.question_id, q.gold_sql]))),
    );
    const evaluation = await r1flow([
      'eval',
      'datasets/spider-dev',
      '--predictions',
      predictions,
      '--limit',
      '60',
    ]);
    expect(evaluation.code).toBe(0);
    expect(JSON.parse(evaluation.stdout)).toMatchObject({ questions: 60, correct: 60, errors: {} });
    expect(evaluation.stderr.trimEnd().split('\n').at(-1)).toBe('EX 100.00% (60/60)');

    const candidates = join(parent, 'candidates.json');
    writeFileSync(
      candidates,
      JSON.stringify([
        'SELECT count(*) FROM singer',
        'SELECT count(*) FROM singers',
        'SELECT count(singer_id) FROM singer',
      ]),
    );
    const vote = await r1flow([
      'vote',
      '--db',
      'datasets/spider-dev/databases/singer/singer.sqlite',
      '--candidates',
      candidates,
    ]);
    expect(vote.code).toBe(0);
    expect(JSON.parse(vote.stdout)).toMatchObject({
      index: 0,
      votes: 2,
      valid: 2,
      rejected: [{ index: 1, error: { code: 'SQL_ERROR', message: 'no such table: singers' } }],
    });

    // Nothing was written into the clone's tracked data (no journal, index or changed database).
    expect(git('status', '--porcelain', '--ignored', '--', 'datasets', 'examples')).toBe('');
  });
});
