// The analysis behind the `r1flow` vote preset: each option set of a small grid scored on the
// executed Spider dev candidates, tuned with leave-one-database-out cross-validation (options
// chosen on nine databases, scored on the tenth, summed), by Spider hardness, and the precision
// of the vote at each vote share. Pure functions over ScoredQuestion[], so a test can recompute
// what bench/vote-selection.ts reports.
import { SPIDER_HARDNESS_LEVELS } from '../../eval/spider-sql/hardness.ts';
import {
  PRESET_OPTIONS,
  type VoteOptions,
  type VoteTieBreak,
} from '../../nodes/sql/selection/vote-options.ts';
import { voteOnResults } from '../../nodes/sql/vote-on-results.ts';
import type { ScoredQuestion } from './spider-candidates.ts';

const SQL_R1 = PRESET_OPTIONS['sql-r1'];

/** Every option set tried, SQL-R1's first. Source weights stay 1: no preset may use them. */
export function optionGrid(): VoteOptions[] {
  const grid: VoteOptions[] = [];
  const tieBreaks: VoteTieBreak[][] = [[], ['similarity'], ['fewerColumns'], ['fewerNulls']];
  for (const emptyResultWeight of [1, 0.75, 0.5, 0.3, 0.1, 0])
    for (const nullOnlyWeight of [1, 0.5])
      for (const zeroCountWeight of [1, 0.5])
        for (const representative of ['first', 'typical'] as const)
          for (const tieBreak of tieBreaks)
            grid.push({
              ...SQL_R1,
              emptyResultWeight,
              nullOnlyWeight,
              zeroCountWeight,
              representative,
              tieBreak,
            });
  return grid;
}

/** How many options differ from SQL-R1's: among equally good option sets the simplest is chosen. */
export function changedOptions(options: VoteOptions): (keyof VoteOptions)[] {
  return (Object.keys(SQL_R1) as (keyof VoteOptions)[]).filter(
    (key) => JSON.stringify(options[key]) !== JSON.stringify(SQL_R1[key]),
  );
}

/** Whether the vote's answer under `options` is correct (false when every candidate failed). */
export function answersCorrectly(question: ScoredQuestion, options: VoteOptions): boolean {
  const answer = voteOnResults(question.executed, options).answer;
  return answer !== null && question.correct[answer.index] === true;
}

/** Each option set's correctness on each question (the grid is voted once, then only counted). */
export function scoreGrid(questions: readonly ScoredQuestion[], grid: readonly VoteOptions[]): boolean[][] {
  return grid.map((options) => questions.map((question) => answersCorrectly(question, options)));
}

/** Index of the grid's best option set on the questions at `among`: most correct, then fewest changed options, then grid order. */
export function tune(
  grid: readonly VoteOptions[],
  scores: readonly boolean[][],
  among: readonly number[],
): number {
  let best = 0;
  let bestKey = [-1, 0];
  grid.forEach((options, g) => {
    const key = [among.filter((q) => scores[g]![q]).length, -changedOptions(options).length];
    if (key[0]! > bestKey[0]! || (key[0] === bestKey[0] && key[1]! > bestKey[1]!)) {
      best = g;
      bestKey = key;
    }
  });
  return best;
}

export interface Fold {
  heldOut: string;
  questions: number;
  chosen: VoteOptions;
  correct: number;
  majorityCorrect: number;
}

export interface CrossValidation {
  folds: Fold[];
  /** Each question's correctness under the options tuned without its database (by position). */
  correct: boolean[];
}

/** `grid[0]` must be SQL-R1's options (the majority the folds are compared with). */
export function leaveOneDatabaseOut(
  questions: readonly ScoredQuestion[],
  grid: readonly VoteOptions[],
  scores: readonly boolean[][],
): CrossValidation {
  const databases = [...new Set(questions.map((question) => question.dbId))];
  const positions = questions.map((_, q) => q);
  const correct = Array<boolean>(questions.length).fill(false);
  const folds = databases.map((heldOut): Fold => {
    const test = positions.filter((q) => questions[q]!.dbId === heldOut);
    const chosen = tune(
      grid,
      scores,
      positions.filter((q) => questions[q]!.dbId !== heldOut),
    );
    for (const q of test) correct[q] = scores[chosen]![q]!;
    return {
      heldOut,
      questions: test.length,
      chosen: grid[chosen]!,
      correct: test.filter((q) => correct[q]).length,
      majorityCorrect: test.filter((q) => scores[0]![q]).length,
    };
  });
  return { folds, correct };
}

export interface LevelEx {
  correct: number;
  total: number;
  ex: number;
}

const percent = (correct: number, total: number) =>
  total === 0 ? 0 : Number(((100 * correct) / total).toFixed(2));

/** EX overall and by Spider hardness, from each question's correctness. */
export function exByHardness(
  questions: readonly ScoredQuestion[],
  correct: readonly boolean[],
): Record<string, LevelEx> {
  const levels = [...SPIDER_HARDNESS_LEVELS, 'all'] as const;
  return Object.fromEntries(
    levels.map((level) => {
      const inLevel = questions.flatMap((question, q) =>
        level === 'all' || question.hardness === level ? [correct[q]] : [],
      );
      const right = inLevel.filter(Boolean).length;
      return [level, { correct: right, total: inLevel.length, ex: percent(right, inLevel.length) }];
    }),
  );
}

export interface ShareRow {
  /** The winner's votes of all candidates, e.g. "6/8". */
  share: string;
  answered: number;
  correct: number;
  precision: number;
  /** Abstaining below this share: questions still answered (% of all) and their precision. */
  coverageAtOrAbove: number;
  precisionAtOrAbove: number;
}

/** Precision of the vote's answer at each winner vote count, most votes first. */
export function precisionByShare(questions: readonly ScoredQuestion[], options: VoteOptions): ShareRow[] {
  const byVotes = new Map<string, { votes: number; answered: number; correct: number }>();
  for (const question of questions) {
    const outcome = voteOnResults(question.executed, options);
    const votes = outcome.winner?.votes ?? 0;
    const share = `${votes}/${question.executed.length}`;
    const row = byVotes.get(share) ?? { votes, answered: 0, correct: 0 };
    row.answered += 1;
    if (outcome.answer !== null && question.correct[outcome.answer.index]) row.correct += 1;
    byVotes.set(share, row);
  }
  let answered = 0;
  let correct = 0;
  return [...byVotes]
    .sort(([, a], [, b]) => b.votes - a.votes)
    .map(([share, row]) => {
      answered += row.answered;
      correct += row.correct;
      return {
        share,
        answered: row.answered,
        correct: row.correct,
        precision: percent(row.correct, row.answered),
        coverageAtOrAbove: percent(answered, questions.length),
        precisionAtOrAbove: percent(correct, answered),
      };
    });
}

export interface ThresholdCheck {
  /** Precision asked for on the calibration questions, in %. */
  target: number;
  /** The vote count (of 8) each fold chose: the lowest whose answers at or above it reach the target. */
  thresholds: Record<string, number>;
  /** Over all held-out databases: questions answered (%) and the precision of those answers. */
  coverage: number;
  precision: number;
}

/**
 * How a threshold calibrated on some databases holds on another: for each database, the lowest
 * winner vote count whose answers on the nine others reach `target` precision, then applied to
 * it. The held-out precision is what a user calibrating on their own data should expect.
 */
export function crossValidateThreshold(
  questions: readonly ScoredQuestion[],
  options: VoteOptions,
  target: number,
): ThresholdCheck {
  const votes = questions.map((question) => voteOnResults(question.executed, options).winner?.votes ?? 0);
  const correct = questions.map((question) => answersCorrectly(question, options));
  const precisionFrom = (positions: number[], threshold: number) => {
    const answered = positions.filter((q) => votes[q]! >= threshold);
    return { answered, right: answered.filter((q) => correct[q]).length };
  };
  const thresholds: Record<string, number> = {};
  let answered = 0;
  let right = 0;
  for (const heldOut of new Set(questions.map((question) => question.dbId))) {
    const positions = questions.map((_, q) => q);
    const train = positions.filter((q) => questions[q]!.dbId !== heldOut);
    const test = positions.filter((q) => questions[q]!.dbId === heldOut);
    let threshold = Math.max(...votes) + 1;
    for (let k = Math.max(...votes); k >= 0; k -= 1) {
      const { answered: kept, right: good } = precisionFrom(train, k);
      if (kept.length > 0 && (100 * good) / kept.length >= target) threshold = k;
      else break;
    }
    thresholds[heldOut] = threshold;
    const held = precisionFrom(test, threshold);
    answered += held.answered.length;
    right += held.right;
  }
  return {
    target,
    thresholds,
    coverage: percent(answered, questions.length),
    precision: percent(right, answered),
  };
}
