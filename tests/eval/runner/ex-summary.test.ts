import { describe, expect, it } from 'vitest';
import { formatExLine, formatHardnessTable, summarizeReports } from '../../../eval/runner/ex-summary.ts';
import type { QuestionReport } from '../../../eval/runner/score-prediction.ts';

function report(hardness: QuestionReport['hardness'], correct: boolean, errorCode?: string): QuestionReport {
  return {
    question_id: 0,
    db_id: 'db',
    hardness,
    pred_sql: correct ? 'SELECT 1' : '',
    gold_sql: 'SELECT 1',
    correct,
    outcome: correct ? 'match' : 'pred_error',
    ...(errorCode ? { error: { code: errorCode, message: 'why' } } : {}),
  };
}

describe('the EX summary', () => {
  const reports = [
    report('easy', true),
    report('easy', false, 'ABSTAINED'),
    report('medium', true),
    report('extra', false, 'LLM_UNREACHABLE'),
    report('extra', false, 'LLM_UNREACHABLE'),
    report(null, true),
  ];
  const summary = summarizeReports(reports, 2000);

  it('counts execution accuracy by Spider hardness; ungraded questions count only in "all"', () => {
    expect(summary.byHardness).toEqual({
      easy: { correct: 1, total: 2, ex: 50 },
      medium: { correct: 1, total: 1, ex: 100 },
      hard: { correct: 0, total: 0, ex: 0 },
      extra: { correct: 0, total: 2, ex: 0 },
      all: { correct: 3, total: 6, ex: 50 },
    });
    expect(summary.errors).toEqual({ ABSTAINED: 1, LLM_UNREACHABLE: 2 });
    expect(summary.questionsPerSecond).toBe(3);
  });

  it('ends with the line "EX <percent with two decimals>% (<correct>/<questions>)"', () => {
    expect(formatExLine(summary)).toBe('EX 50.00% (3/6)');
    expect(formatExLine(summarizeReports([...reports, report('hard', true)], 1))).toBe('EX 57.14% (4/7)');
  });

  it('prints a table of count, correct and EX % per level', () => {
    expect(formatHardnessTable(summary).split('\n')).toEqual([
      '               easy   medium     hard    extra      all',
      'count             2        1        0        2        6',
      'correct           1        1        0        0        3',
      'EX %          50.00   100.00     0.00     0.00    50.00',
    ]);
  });
});
