// SQL-R1's reward (verl/utils/reward_score/synsql.py `compute_score`): format ±1; when the format
// passes, execution −2 for a prediction that does not run, else +2 with result −3 (mismatch) or
// +3 (match) under test-suite's comparison (DISTINCT removed, no value plugging); and on a match
// a length bonus: L = len(think) + len(answer) characters, L/2048·0.5 (0.5 past 2048) plus
// len(sql)/len(answer). Both SQLs have whitespace runs collapsed to one space first, as SQL-R1
// does (string literals included).
// Where r1flow differs (SQLR1.md §9): a gold that fails to run is an evaluation error with no
// score (SQL-R1's typo `pred_passes == 3` makes it a match), checked before the prediction;
// and a response without an assistant header is scored as the response itself.
import { compareQueries } from '../../eval/scoring/compare-queries.ts';
import type { RunSql } from '../../eval/scoring/run-sql.ts';
import { readSqlR1Response } from './reward-response.ts';

export const FORMAT_REWARD = 1;
export const EXEC_REWARD = 2;
export const RESULT_REWARD = 3;
export const LIMIT_LENGTH = 2048;

export type RewardOutcome = 'format_error' | 'unexecutable' | 'mismatch' | 'match' | 'gold_error';

export interface SqlR1Reward {
  outcome: RewardOutcome;
  format: number;
  execution: number;
  result: number;
  length: number;
  /** Sum of the parts; null when the gold failed (no score). */
  total: number | null;
  /** The prediction's error ('unexecutable') or the gold's ('gold_error'). */
  error?: { code: string; message: string };
}

export interface SqlR1RewardInput {
  /** The model's response, or the decoded prompt+response as SQL-R1 scores it. */
  response: string;
  goldSql: string;
  database: string;
  runSql: RunSql;
}

/** Python's len(): code points. */
function characters(text: string): number {
  return [...text].length;
}

function collapseWhitespace(sql: string): string {
  return sql.replace(/\s+/g, ' ');
}

function lengthBonus(think: string, answer: string, sql: string): number {
  const used = characters(think) + characters(answer);
  const sqlShare = characters(sql) / characters(answer);
  return (used <= LIMIT_LENGTH ? (used / LIMIT_LENGTH) * 0.5 : 0.5) + sqlShare;
}

export async function computeSqlR1Reward(input: SqlR1RewardInput): Promise<SqlR1Reward> {
  const parsed = readSqlR1Response(input.response);
  if (!parsed.formatOk || parsed.sql === null) {
    return {
      outcome: 'format_error',
      format: -FORMAT_REWARD,
      execution: 0,
      result: 0,
      length: 0,
      total: -FORMAT_REWARD,
    };
  }

  const sql = collapseWhitespace(parsed.sql);
  const comparison = await compareQueries(
    input.runSql,
    input.database,
    collapseWhitespace(input.goldSql),
    sql,
    {
      replaceValuePlaceholder: false,
    },
  );
  const scored = (outcome: RewardOutcome, execution: number, result: number, length = 0): SqlR1Reward => ({
    outcome,
    format: FORMAT_REWARD,
    execution,
    result,
    length,
    total: FORMAT_REWARD + execution + result + length,
  });

  switch (comparison.outcome) {
    case 'gold_error':
      return {
        ...scored('gold_error', 0, 0),
        total: null,
        ...(comparison.error && { error: comparison.error }),
      };
    case 'pred_error':
      return {
        ...scored('unexecutable', -EXEC_REWARD, 0),
        ...(comparison.error && { error: comparison.error }),
      };
    case 'mismatch':
      return scored('mismatch', EXEC_REWARD, -RESULT_REWARD);
    case 'match':
      return scored(
        'match',
        EXEC_REWARD,
        RESULT_REWARD,
        lengthBonus(parsed.think ?? '', parsed.answer ?? '', sql),
      );
  }
}
