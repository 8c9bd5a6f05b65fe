// Runs an evaluation: each question's prediction is made and scored as soon as it is ready, with
// `concurrency` questions in flight; the reports keep the dataset's order.
import type { RunSql } from '../scoring/run-sql.ts';
import type { EvalDataset } from './eval-dataset.ts';
import { type EvalSummary, summarizeReports } from './ex-summary.ts';
import type { Predictor } from './predictor.ts';
import { type QuestionReport, type ScoreOptions, scorePrediction } from './score-prediction.ts';

export interface EvaluationOptions {
  dataset: EvalDataset;
  predictor: Pick<Predictor, 'predict'>;
  runSql: RunSql;
  /** Where a question's SQL runs; default the dataset's files of its db_id (`--warehouse`: one warehouse). */
  databasesFor?: ScoreOptions['databasesFor'];
  /** Questions in flight at once. */
  concurrency: number;
  /** Only the first `limit` questions. */
  limit?: number | undefined;
  keepDistinct?: boolean;
  onProgress?: (done: number, correct: number, total: number) => void;
}

export interface EvaluationResult {
  reports: QuestionReport[];
  summary: EvalSummary;
}

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationResult> {
  const started = performance.now();
  const questions = options.dataset.questions.slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  const reports: QuestionReport[] = new Array(questions.length);
  const scoring = {
    runSql: options.runSql,
    keepDistinct: options.keepDistinct ?? false,
    databasesFor: options.databasesFor,
  };
  let next = 0;
  let done = 0;
  let correct = 0;
  const work = async () => {
    while (next < questions.length) {
      const index = next++;
      const question = questions[index]!;
      const prediction = await options.predictor.predict(question);
      const report = await scorePrediction(options.dataset, question, prediction, scoring);
      reports[index] = report;
      done += 1;
      if (report.correct) correct += 1;
      options.onProgress?.(done, correct, questions.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, questions.length));
  await Promise.all(Array.from({ length: workers }, work));
  return { reports, summary: summarizeReports(reports, performance.now() - started) };
}
