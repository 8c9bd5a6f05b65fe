// One question's line of the evaluation report: its Spider hardness, and whether the prediction
// executes to the gold's result under test-suite's rules (compareQueries).
import { compareQueries } from '../scoring/compare-queries.ts';
import { compareToRows } from '../scoring/compare-to-rows.ts';
import type { RunSql } from '../scoring/run-sql.ts';
import { type SpiderHardness, spiderHardness } from '../spider-sql/hardness.ts';
import type { EvalDataset, EvalQuestion } from './eval-dataset.ts';
import type { Prediction, ReportError } from './predictor.ts';

export interface QuestionReport {
  question_id: number | string;
  db_id: string;
  /** Spider's level of the gold query; null when Spider's parser cannot read it. */
  hardness: SpiderHardness | null;
  pred_sql: string;
  gold_sql: string;
  correct: boolean;
  /** compareQueries' outcome: match, mismatch, pred_error or gold_error. */
  outcome: string;
  error?: ReportError;
  confidence?: number;
  votes?: number;
  run_id?: string;
}

export interface ScoreOptions {
  runSql: RunSql;
  /** test-suite's --keep_distinct. */
  keepDistinct: boolean;
  /** Where a question's gold and prediction run; default the dataset's files of its db_id. */
  databasesFor?: ((dbId: string) => string | readonly string[]) | undefined;
}

function hardnessOf(dataset: EvalDataset, question: EvalQuestion): SpiderHardness | null {
  const schema = dataset.schemas.get(question.db_id);
  if (!schema) return null;
  try {
    return spiderHardness(question.gold_sql, schema);
  } catch {
    return null;
  }
}

export async function scorePrediction(
  dataset: EvalDataset,
  question: EvalQuestion,
  prediction: Prediction,
  options: ScoreOptions,
): Promise<QuestionReport> {
  const databases = (options.databasesFor ?? dataset.databaseFiles)(question.db_id);
  const comparison =
    question.gold_rows === undefined
      ? await compareQueries(options.runSql, databases, question.gold_sql, prediction.sql, {
          keepDistinct: options.keepDistinct,
        })
      : await compareToRows(options.runSql, databases[0]!, question.gold_rows, prediction.sql);
  // Why the flow gave no SQL says more than "the prediction has no SQL"; a broken gold is named as such.
  const scoringError =
    comparison.error &&
    (comparison.outcome === 'gold_error'
      ? { code: comparison.error.code, message: `the gold query failed: ${comparison.error.message}` }
      : comparison.error);
  const error = prediction.error ?? scoringError;
  return {
    question_id: question.question_id,
    db_id: question.db_id,
    hardness: hardnessOf(dataset, question),
    pred_sql: prediction.sql,
    gold_sql: question.gold_sql,
    correct: comparison.correct,
    outcome: comparison.outcome,
    ...(error === undefined ? {} : { error }),
    ...(prediction.confidence === undefined ? {} : { confidence: prediction.confidence }),
    ...(prediction.votes === undefined ? {} : { votes: prediction.votes }),
    ...(prediction.runId === undefined ? {} : { run_id: prediction.runId }),
  };
}
