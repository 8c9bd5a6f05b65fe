// The numbers bench/vote-selection.ts wrote to bench/results/vote-selection.json, recomputed from
// the eight recorded systems' answers on Spider dev (executed in the SQL sandbox, scored as
// `r1flow eval` scores): SQL-R1's vote, the r1flow preset in-sample and leave-one-database-out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScoredQuestion, scoreReplay } from '../../../bench/support/spider-candidates.ts';
import {
  answersCorrectly,
  crossValidateThreshold,
  exByHardness,
  leaveOneDatabaseOut,
  optionGrid,
  precisionByShare,
  scoreGrid,
  tune,
} from '../../../bench/support/vote-selection-analysis.ts';
import { loadEvalDataset } from '../../../eval/runner/eval-dataset.ts';
import { SqlSandboxPool } from '../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { PRESET_OPTIONS } from '../../../nodes/sql/selection/vote-options.ts';
import { voteOnResults } from '../../../nodes/sql/vote-on-results.ts';
import { SPIDER_DEV_DIR } from '../../support/datasets.ts';

const reported = JSON.parse(
  readFileSync(new URL('../../../bench/results/vote-selection.json', import.meta.url), 'utf8'),
);

let questions: ScoredQuestion[];
const pool = new SqlSandboxPool({ spares: 0 });
beforeAll(async () => {
  questions = await scoreReplay(
    loadEvalDataset(SPIDER_DEV_DIR),
    join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl'),
    pool,
  );
}, 120_000);
afterAll(() => pool.close());

const correctUnder = (preset: keyof typeof PRESET_OPTIONS) =>
  questions.map((question) => answersCorrectly(question, PRESET_OPTIONS[preset]));

describe('vote selection on Spider dev (499 questions, 8 recorded systems)', () => {
  it('preset sql-r1 is SQL-R1’s vote: most votes, ties to the first seen, 92.99 (464/499)', () => {
    for (const question of questions) {
      const outcome = voteOnResults(question.executed, PRESET_OPTIONS['sql-r1']);
      const most = Math.max(...outcome.clusters.map((cluster) => cluster.votes));
      expect(outcome.winner).toBe(outcome.clusters.find((cluster) => cluster.votes === most));
      expect(outcome.answer?.index).toBe(outcome.winner?.members[0]);
    }
    expect(exByHardness(questions, correctUnder('sql-r1'))).toEqual(reported.majority);
    expect(reported.majority.all).toEqual({ correct: 464, total: 499, ex: 92.99 });
  });

  it('preset r1flow reproduces its reported in-sample and leave-one-database-out EX, and is what tuning on all ten picks', () => {
    const grid = optionGrid();
    const scores = scoreGrid(questions, grid);
    expect(exByHardness(questions, correctUnder('r1flow'))).toEqual(reported.r1flow.inSample);
    const cv = leaveOneDatabaseOut(questions, grid, scores);
    expect(exByHardness(questions, cv.correct)).toEqual(reported.r1flow.crossValidated);
    expect(
      grid[
        tune(
          grid,
          scores,
          questions.map((_, q) => q),
        )
      ],
    ).toEqual(PRESET_OPTIONS.r1flow);
    // Not below plain majority on databases it was not tuned on.
    expect(reported.r1flow.crossValidated.all.correct).toBeGreaterThanOrEqual(reported.majority.all.correct);
  }, 120_000);

  it('reproduces the precision at each vote share and the cross-validated thresholds', () => {
    expect(precisionByShare(questions, PRESET_OPTIONS['sql-r1'])).toEqual(
      reported.precisionByShare['sql-r1'],
    );
    expect(precisionByShare(questions, PRESET_OPTIONS.r1flow)).toEqual(reported.precisionByShare.r1flow);
    expect(
      [95, 97, 99].map((target) => crossValidateThreshold(questions, PRESET_OPTIONS.r1flow, target)),
    ).toEqual(reported.thresholdCrossValidation);
  });
});
