import { afterAll, describe, expect, it } from 'vitest';
import { type EvalQuestion, loadEvalDataset } from '../../../eval/runner/eval-dataset.ts';
import type { Prediction } from '../../../eval/runner/predictor.ts';
import { runEvaluation } from '../../../eval/runner/run-evaluation.ts';
import { SPIDER_DEV_DIR } from '../support/spider-dev.ts';
import { createSqliteRunner } from '../support/sqlite-runner.ts';

const spider = loadEvalDataset(SPIDER_DEV_DIR);
const runner = createSqliteRunner();
afterAll(() => runner.close());

function predictor(predict: (question: EvalQuestion) => Prediction | Promise<Prediction>) {
  return { predict: async (question: EvalQuestion) => predict(question) };
}

describe('running an evaluation', () => {
  it('reports questions in the dataset order even when later ones finish first', async () => {
    const { reports, summary } = await runEvaluation({
      dataset: spider,
      runSql: runner.run,
      concurrency: 4,
      limit: 12,
      predictor: predictor(async (question) => {
        // Earlier questions answer later, so completion order is the reverse of the dataset's.
        const wait = 12 - Number(question.question_id);
        for (let turn = 0; turn < wait * 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        return { sql: question.gold_sql, runId: `run-${question.question_id}` };
      }),
    });
    expect(reports.map((report) => report.question_id)).toEqual(
      spider.questions.slice(0, 12).map((q) => q.question_id),
    );
    expect(reports[0]).toEqual({
      question_id: 0,
      db_id: 'concert_singer',
      hardness: 'easy',
      pred_sql: 'SELECT count(*) FROM singer',
      gold_sql: 'SELECT count(*) FROM singer',
      correct: true,
      outcome: 'match',
      run_id: 'run-0',
    });
    expect(summary.questions).toBe(12);
    expect(summary.correct).toBe(12);
  });

  it('a wrong, a failing and a missing prediction are wrong, each with its reason', async () => {
    const sqlFor: Record<number, Prediction> = {
      0: { sql: 'SELECT count(*) FROM stadium' },
      1: { sql: 'SELECT count(*) FROM singers' },
      2: { sql: '', error: { code: 'ABSTAINED', message: 'none of the 8 candidates ran (8 error)' } },
    };
    const { reports, summary } = await runEvaluation({
      dataset: spider,
      runSql: runner.run,
      concurrency: 2,
      limit: 3,
      predictor: predictor((question) => sqlFor[Number(question.question_id)]!),
    });
    expect(reports.map(({ correct, outcome }) => ({ correct, outcome }))).toEqual([
      { correct: false, outcome: 'mismatch' },
      { correct: false, outcome: 'pred_error' },
      { correct: false, outcome: 'pred_error' },
    ]);
    expect(reports[0]!.error).toBeUndefined();
    expect(reports[1]!.error?.message).toContain('no such table: singers');
    expect(reports[2]!.error).toEqual({
      code: 'ABSTAINED',
      message: 'none of the 8 candidates ran (8 error)',
    });
    expect(summary.errors).toEqual({ SQL_ERROR: 1, ABSTAINED: 1 });
  });

  it('DISTINCT is removed from both queries unless keepDistinct is set, as in test-suite', async () => {
    const question: EvalQuestion = {
      question_id: 'countries',
      db_id: 'concert_singer',
      question: 'Which countries are singers from?',
      gold_sql: 'SELECT country FROM singer',
    };
    const dataset = { ...spider, questions: [question] };
    const distinct = predictor(() => ({ sql: 'SELECT DISTINCT country FROM singer' }));
    const options = { dataset, runSql: runner.run, concurrency: 1, predictor: distinct };
    expect((await runEvaluation(options)).summary.correct).toBe(1);
    expect((await runEvaluation({ ...options, keepDistinct: true })).summary.correct).toBe(0);
  });
});
