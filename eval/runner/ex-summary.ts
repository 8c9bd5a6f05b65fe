// Execution accuracy over the per-question reports, by Spider hardness, and how it is printed:
// a table like Spider's evaluation prints and, after it, the line `EX 81.18% (384/473)` (both stderr).
import { SPIDER_HARDNESS_LEVELS } from '../spider-sql/hardness.ts';
import type { QuestionReport } from './score-prediction.ts';

export const SUMMARY_LEVELS = [...SPIDER_HARDNESS_LEVELS, 'all'] as const;
export type SummaryLevel = (typeof SUMMARY_LEVELS)[number];

export interface LevelScore {
  correct: number;
  total: number;
  /** Percent, two decimals; 0 when the level has no questions. */
  ex: number;
}

export interface EvalSummary {
  questions: number;
  correct: number;
  ex: number;
  /** 'all' counts every question, also those whose gold Spider's parser cannot grade. */
  byHardness: Record<SummaryLevel, LevelScore>;
  /** Questions with an error, by error code (failed runs, abstentions, predictions that fail). */
  errors: Record<string, number>;
  elapsedMs: number;
  questionsPerSecond: number;
}

function percent(correct: number, total: number): number {
  return total === 0 ? 0 : Number(((100 * correct) / total).toFixed(2));
}

function score(reports: readonly QuestionReport[]): LevelScore {
  const correct = reports.filter((report) => report.correct).length;
  return { correct, total: reports.length, ex: percent(correct, reports.length) };
}

export function summarizeReports(reports: readonly QuestionReport[], elapsedMs: number): EvalSummary {
  const byHardness = Object.fromEntries(
    SUMMARY_LEVELS.map((level) => [
      level,
      score(level === 'all' ? reports : reports.filter((report) => report.hardness === level)),
    ]),
  ) as Record<SummaryLevel, LevelScore>;
  const errors: Record<string, number> = {};
  for (const { error } of reports) if (error) errors[error.code] = (errors[error.code] ?? 0) + 1;
  return {
    questions: byHardness.all.total,
    correct: byHardness.all.correct,
    ex: byHardness.all.ex,
    byHardness,
    errors,
    elapsedMs: Math.round(elapsedMs),
    questionsPerSecond: Number((reports.length / Math.max(elapsedMs / 1000, 1e-3)).toFixed(2)),
  };
}

export function formatExLine(summary: EvalSummary): string {
  return `EX ${summary.ex.toFixed(2)}% (${summary.correct}/${summary.questions})`;
}

export function formatHardnessTable(summary: EvalSummary): string {
  const cell = (text: string | number) => String(text).padStart(9);
  const row = (label: string, values: (level: SummaryLevel) => string | number) =>
    `${label.padEnd(10)}${SUMMARY_LEVELS.map((level) => cell(values(level))).join('')}`;
  return [
    row('', (level) => level),
    row('count', (level) => summary.byHardness[level].total),
    row('correct', (level) => summary.byHardness[level].correct),
    row('EX %', (level) => summary.byHardness[level].ex.toFixed(2)),
  ].join('\n');
}
