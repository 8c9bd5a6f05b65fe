// `--predictions FILE`: `{ "<question_id>": "SELECT ..." }`, scored as given.
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';
import { ResourcePool } from '../../engine/resources.ts';
import type { Predictor } from './predictor.ts';
import { readJsonFile } from './read-json-file.ts';

export function loadPredictions(path: string): ReadonlyMap<string, string> {
  const parsed = z.record(z.string(), z.string()).safeParse(readJsonFile(path));
  if (!parsed.success) {
    throw new R1flowError(
      'DATASET_INVALID',
      `${path}: predictions must be a JSON object of question_id → SQL text (${parsed.error.issues[0]?.message})`,
      { path },
    );
  }
  return new Map(Object.entries(parsed.data));
}

export function predictionsFilePredictor(predictions: ReadonlyMap<string, string>): Predictor {
  const resources = new ResourcePool();
  return {
    resources,
    async predict(question) {
      const sql = predictions.get(String(question.question_id));
      if (sql !== undefined) return { sql };
      const message = `the predictions file has no entry for question ${question.question_id}`;
      return { sql: '', error: { code: 'SQL_EMPTY', message } };
    },
    close: () => resources.disposeAll(),
  };
}
