// `r1flow eval` as a script reads it: stdout is the summary JSON and nothing else, the EX line is
// the last line of stderr, and a flow that calls a model is not run without --llm (it would ask
// the demo simulator, which knows none of the dataset's questions).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { SPIDER_DEV_DIR } from '../support/datasets.ts';

const dir = mkdtempSync(join(tmpdir(), 'r1flow-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const questions = JSON.parse(readFileSync(join(SPIDER_DEV_DIR, 'questions.json'), 'utf8')) as {
  question_id: number;
  gold_sql: string;
}[];

describe('r1flow eval output and model server', () => {
  it('prints only the summary JSON on stdout; the EX line ends stderr', async () => {
    const predictions = join(dir, 'predictions.json');
    const firstFour = questions.slice(0, 4).map((q) => [q.question_id, q.gold_sql]);
    writeFileSync(predictions, JSON.stringify(Object.fromEntries(firstFour)));
    const result = await runCli(['eval', SPIDER_DEV_DIR, '--predictions', predictions, '--limit', '5']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ questions: 5, correct: 4, ex: 80 });
    expect(result.stdout).not.toContain('EX 80.00%');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('EX 80.00% (4/5)');
  });

  it('refuses to run a flow that calls a model without --llm, naming --llm and --predictions', async () => {
    const db = join(dir, 'runs.db');
    const result = await runCli(['eval', SPIDER_DEV_DIR, '--limit', '1', '--db', db], {
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error BAD_REQUEST: the flow calls a model, so eval needs --llm URL/);
    expect(lines[0]).toContain('does not fall back to R1FLOW_LLM_URL');
    expect(lines[0]).toContain('--predictions FILE');
  });

  it('runs a flow without a model node with no --llm', async () => {
    // hello-branch has no llm.* node: no question gets SQL from it, but eval runs it.
    const result = await runCli([
      'eval',
      SPIDER_DEV_DIR,
      '--flow',
      'examples/flows/hello-branch.flow.json',
      '--limit',
      '1',
    ]);
    expect(result.stderr).not.toContain('needs --llm');
    expect(JSON.parse(result.stdout)).toMatchObject({ questions: 1 });
  });
});
