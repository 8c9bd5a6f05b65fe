// `r1flow run --follow-up-of RUN` and `--thread ID`: a follow-up from the command line joins the
// thread, carries the earlier turn, and shows in `runs show` and `runs list --thread`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../engine/store/records.ts';
import { runCli } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';

let dir: string;
let flowPath: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-cli-follow-ups-'));
  db = join(dir, 'r1.db');
  flowPath = join(dir, 'ask.flow.json');
  const flow = flowOf(
    {
      start: ['trigger.manual', { fields: [{ name: 'question' }] }],
      table: ['test.table', { columns: ['n'], rows: [[1]], sql: 'SELECT 1' }],
      answer: ['output.answer'],
    },
    ['start.question->answer.question', 'table.rows->answer.rows', 'table.sql->answer.sql'],
    'ask',
  );
  writeFileSync(flowPath, JSON.stringify(flow));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ask = (question: string, ...flags: string[]) =>
  runCli(['run', flowPath, '--input', JSON.stringify({ question }), '--db', db, '--quiet', ...flags]);

async function listRuns(...flags: string[]): Promise<RunRecord[]> {
  const result = await runCli(['runs', 'list', '--json', '--db', db, ...flags]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as RunRecord[];
}

describe('follow-ups from the CLI', () => {
  it('--follow-up-of and --thread add turns to the first run’s thread', async () => {
    expect((await ask('How many orders were placed?')).code).toBe(0);
    const [first] = await listRuns();

    const second = await ask('and only for 2023?', '--follow-up-of', first!.id);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).answer.question).toBe('and only for 2023?');
    expect((await ask('and for 2024?', '--thread', first!.id)).code).toBe(0);

    const thread = await listRuns('--thread', first!.id);
    expect(thread.map((run) => (run.input as { question: string }).question)).toEqual([
      'and for 2024?',
      'and only for 2023?',
      'How many orders were placed?',
    ]);
    expect(thread[0]!.input).toMatchObject({
      history: [
        { question: 'How many orders were placed?', sql: 'SELECT 1' },
        { question: 'and only for 2023?', sql: 'SELECT 1' },
      ],
    });
    const shown = await runCli(['runs', 'show', thread[0]!.id, '--db', db]);
    expect(shown.stdout).toContain(`thread   ${first!.id}`);
  });

  it('an unknown thread or run is one line naming it, exit 1, and no run', async () => {
    const before = (await listRuns()).length;
    const thread = await ask('and then?', '--thread', 'r-nope');
    expect(thread.code).toBe(1);
    expect(thread.stderr).toContain('error THREAD_NOT_FOUND: no thread "r-nope"');
    const run = await ask('and then?', '--follow-up-of', 'r-gone');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error RUN_NOT_FOUND: no run "r-gone" to follow up');
    expect(await listRuns()).toHaveLength(before);
  });
});
