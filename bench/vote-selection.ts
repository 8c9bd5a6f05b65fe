// bench/vote-selection: does the `r1flow` vote preset beat SQL-R1's plain majority on databases
// it was not tuned on? The eight recorded systems' answers on the Spider dev split (499
// questions, 10 databases) are executed and scored once (sandbox, EX as `r1flow eval`), then a
// grid of vote options is tuned with leave-one-database-out cross-validation. Reports majority,
// the preset in-sample and cross-validated, by hardness, each option alone, and the precision at
// each vote share (docs/vote-selection.md reads this file).
//   node bin/run-ts.js bench/vote-selection.ts
import { join } from 'node:path';
import { loadEvalDataset } from '../eval/runner/eval-dataset.ts';
import { SqlSandboxPool } from '../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { PRESET_OPTIONS, type VoteOptions } from '../nodes/sql/selection/vote-options.ts';
import { SPIDER_DEV_DIR } from '../tests/support/datasets.ts';
import { writeResult } from './support/results.ts';
import { scoreReplay } from './support/spider-candidates.ts';
import {
  answersCorrectly,
  changedOptions,
  crossValidateThreshold,
  exByHardness,
  leaveOneDatabaseOut,
  optionGrid,
  precisionByShare,
  scoreGrid,
  tune,
} from './support/vote-selection-analysis.ts';

const dataset = loadEvalDataset(SPIDER_DEV_DIR);
const pool = new SqlSandboxPool({ spares: 0 });
let questions: Awaited<ReturnType<typeof scoreReplay>>;
try {
  questions = await scoreReplay(dataset, join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl'), pool);
} finally {
  await pool.close();
}

const SQL_R1 = PRESET_OPTIONS['sql-r1'];
const R1FLOW = PRESET_OPTIONS.r1flow;
const grid = optionGrid();
const scores = scoreGrid(questions, grid);
const ex = (options: VoteOptions) =>
  exByHardness(
    questions,
    questions.map((question) => answersCorrectly(question, options)),
  );
/** The options that differ from SQL-R1's, and their values. */
const describe = (options: VoteOptions) =>
  Object.fromEntries(changedOptions(options).map((key) => [key, options[key]]));

const majority = ex(SQL_R1);
const inSample = ex(R1FLOW);
const tunedOnAll =
  grid[
    tune(
      grid,
      scores,
      questions.map((_, q) => q),
    )
  ]!;
const cv = leaveOneDatabaseOut(questions, grid, scores);
const crossValidated = exByHardness(questions, cv.correct);
const oracle = exByHardness(
  questions,
  questions.map((question) => question.correct.some(Boolean)),
);
// Each option of the preset on its own, the others as SQL-R1's.
const ablation = changedOptions(R1FLOW).map((key) => ({
  option: key,
  value: R1FLOW[key],
  ex: ex({ ...SQL_R1, [key]: R1FLOW[key] } as VoteOptions).all,
}));
// Every option of the grid on its own (in-sample), to show which ones the data supports.
const singleOptions = grid
  .map((options, g) => ({ options, g }))
  .filter(({ options }) => changedOptions(options).length === 1)
  .map(({ options, g }) => ({
    ...describe(options),
    correct: scores[g]!.filter(Boolean).length,
  }));
const gain = (all: { ex: number }) => Number((all.ex - majority.all!.ex).toFixed(2));

writeResult('vote-selection', 'node bin/run-ts.js bench/vote-selection.ts', {
  dataset: { questions: questions.length, databases: cv.folds.length, systems: 8 },
  gridSize: grid.length,
  majority,
  r1flow: {
    options: describe(R1FLOW),
    inSample,
    crossValidated,
    gainInSample: gain(inSample.all!),
    gainCrossValidated: gain(crossValidated.all!),
    presetIsTunedOnAll: JSON.stringify(tunedOnAll) === JSON.stringify(R1FLOW),
  },
  folds: cv.folds.map((fold) => ({ ...fold, chosen: describe(fold.chosen) })),
  ablation,
  singleOptions,
  oracle: oracle.all,
  precisionByShare: {
    'sql-r1': precisionByShare(questions, SQL_R1),
    r1flow: precisionByShare(questions, R1FLOW),
  },
  // abstainBelow calibrated on nine databases for a target precision, scored on the tenth.
  thresholdCrossValidation: [95, 97, 99].map((target) => crossValidateThreshold(questions, R1FLOW, target)),
});
process.stdout.write(
  `majority EX ${majority.all!.ex}, r1flow in-sample ${inSample.all!.ex} (${gain(inSample.all!)}), leave-one-database-out ${crossValidated.all!.ex} (${gain(crossValidated.all!)})\n`,
);
if (JSON.stringify(tunedOnAll) !== JSON.stringify(R1FLOW)) {
  process.stderr.write(
    `the r1flow preset differs from the options tuned on all databases: ${JSON.stringify(describe(tunedOnAll))}\n`,
  );
}
