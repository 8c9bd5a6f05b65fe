import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionReport } from '../../../eval/runner/score-prediction.ts';
import { makeTempDir } from '../../nodes/schema/spider-files.ts';
import { runEval } from '../support/run-eval.ts';
import { loadQuestions, SPIDER_DEV_DIR } from '../support/spider-dev.ts';

const questions = loadQuestions();
let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('eval-command');
});
afterEach(() => temp.cleanup());

function writePredictions(entries: [number, string][]): string {
  const path = join(temp.dir, 'predictions.json');
  writeFileSync(path, JSON.stringify(Object.fromEntries(entries)));
  return path;
}

describe('r1flow eval --predictions', () => {
  it("scores spider-dev's own gold SQL at 100%, with progress and the hardness table on stderr", async () => {
    const predictions = writePredictions(questions.map((q) => [q.question_id, q.gold_sql]));
    const out = join(temp.dir, 'report', 'eval.json');
    const result = await runEval([SPIDER_DEV_DIR, '--predictions', predictions, '--out', out]);

    expect(result.code).toBe(0);
    expect(result.exLine).toBe('EX 100.00% (499/499)');
    expect(result.summary).toMatchObject({
      dataset: SPIDER_DEV_DIR,
      questions: 499,
      correct: 499,
      ex: 100,
      errors: {},
      byHardness: {
        easy: { correct: 119, total: 119, ex: 100 },
        medium: { correct: 222, total: 222, ex: 100 },
        hard: { correct: 88, total: 88, ex: 100 },
        extra: { correct: 70, total: 70, ex: 100 },
      },
    });
    expect(result.stderr).toContain('eval 499/499 (100%)');
    expect(result.stderr).toMatch(/^EX %\s+100\.00\s+100\.00\s+100\.00\s+100\.00\s+100\.00$/m);

    const report = JSON.parse(readFileSync(out, 'utf8')) as QuestionReport[];
    expect(report).toHaveLength(499);
    expect(report.every((line) => line.correct && line.pred_sql === line.gold_sql)).toBe(true);
    expect(report[0]).toMatchObject({
      question_id: 0,
      db_id: 'concert_singer',
      hardness: 'easy',
      outcome: 'match',
    });
  });

  it('a question missing from the predictions is wrong, with the reason in the report', async () => {
    const predictions = writePredictions(questions.slice(0, 3).map((q) => [q.question_id, q.gold_sql]));
    const out = join(temp.dir, 'eval.json');
    const result = await runEval([
      SPIDER_DEV_DIR,
      '--predictions',
      predictions,
      '--limit',
      '5',
      '--out',
      out,
    ]);
    expect(result.exLine).toBe('EX 60.00% (3/5)');
    expect(result.summary?.errors).toEqual({ SQL_EMPTY: 2 });
    const report = JSON.parse(readFileSync(out, 'utf8')) as QuestionReport[];
    expect(report[4]).toMatchObject({
      correct: false,
      pred_sql: '',
      error: {
        code: 'SQL_EMPTY',
        message: `the predictions file has no entry for question ${questions[4]!.question_id}`,
      },
    });
  });
});

describe('r1flow eval on a bad dataset directory', () => {
  it('an empty directory fails with DATASET_INVALID naming questions.json, before anything runs', async () => {
    const result = await runEval([temp.dir, '--predictions', writePredictions([])]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      `error DATASET_INVALID: ${join(temp.dir, 'questions.json')}: is missing`,
    );
  });

  it('a malformed questions.json is named with line and column', async () => {
    writeFileSync(join(temp.dir, 'questions.json'), '[\n  {"question_id": 0, "db_id": "x",,}\n]\n');
    const result = await runEval([temp.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error DATASET_INVALID: .*questions\.json:2:\d+: malformed JSON/);
  });

  it('--predictions cannot be combined with --llm, and --concurrency must be positive', async () => {
    const predictions = writePredictions([]);
    const both = await runEval([
      SPIDER_DEV_DIR,
      '--predictions',
      predictions,
      '--llm',
      'http://127.0.0.1:9/v1',
    ]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('error BAD_REQUEST: --predictions scores a file');
    const zero = await runEval([SPIDER_DEV_DIR, '--predictions', predictions, '--concurrency', '0']);
    expect(zero.stderr).toContain('error BAD_REQUEST: --concurrency must be an integer >= 1');
  });
});
