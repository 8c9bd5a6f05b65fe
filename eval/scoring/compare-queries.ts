// Execution accuracy as Spider's test-suite evaluation computes it with its default flags (the way
// OmniSQL runs it): evaluation.py's evaluate() and exec_eval.py's eval_exec_match().
// - the prediction's " value " becomes " 1 " (evaluate(); SQL-R1's reward skips that step);
// - both queries: "> =", "< =", "! =" are closed up, DISTINCT tokens are dropped unless
//   keepDistinct (test-suite's --keep_distinct), and YEAR(CURDATE()) becomes 2020;
// - row order counts only if the prepared gold contains the text "order by" (lower-cased);
// - rows are compared as bags, columns may be permuted, both empty is a match (result-eq.ts);
// - gold and prediction must agree on every database given (test-suite's multi-database suite).
// Where r1flow differs: a gold that fails to run is an evaluation error that is reported
// (test-suite stops on an assertion), and an empty prediction is a failed prediction.
import { R1flowError } from '../../engine/errors.ts';
import { removeDistinct } from './remove-distinct.ts';
import { resultsEqual } from './result-eq.ts';
import type { RunSql, SqlRun } from './run-sql.ts';

export interface CompareOptions {
  /** Keep DISTINCT in both queries (test-suite's --keep_distinct). Default false: DISTINCT is removed. */
  keepDistinct?: boolean;
  /** Turn the prediction's " value " into " 1 " as test-suite's evaluate() does. Default true. */
  replaceValuePlaceholder?: boolean;
}

export type ComparisonOutcome = 'match' | 'mismatch' | 'pred_error' | 'gold_error';

export interface QueryComparison {
  outcome: ComparisonOutcome;
  /** True only for 'match'. */
  correct: boolean;
  orderMatters: boolean;
  /** The queries as they were run, after test-suite's rewriting. */
  goldSql: string;
  predSql: string;
  /** Why the gold ('gold_error') or the prediction ('pred_error') produced no rows. */
  error?: { code: string; message: string };
}

/** exec_eval.py `postprocess`: model outputs sometimes split two-character operators. */
function closeUpOperators(sql: string): string {
  return sql.replaceAll('> =', '>=').replaceAll('< =', '<=').replaceAll('! =', '!=');
}

/** exec_eval.py `replace_cur_year`, applied to every query right before it runs. */
function replaceCurrentYear(sql: string): string {
  return sql.replace(/YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*/gi, '2020');
}

function prepare(sql: string, keepDistinct: boolean): string {
  const closed = closeUpOperators(sql);
  return keepDistinct ? closed : removeDistinct(closed);
}

/** test-suite's rule: order matters iff the gold query text contains "order by". */
export function goldOrderMatters(preparedGold: string): boolean {
  return preparedGold.toLowerCase().includes('order by');
}

/** Whether the prediction's rows denote the gold's. The gold must have run completely. */
export function scoreExecution(gold: SqlRun, pred: SqlRun, options: { orderMatters: boolean }): boolean {
  if (gold.status !== 'ok' || gold.truncated) {
    throw new R1flowError('SQL_ERROR', 'the gold query has no complete result to compare against', {
      data: { status: gold.status, truncated: gold.truncated ?? false },
    });
  }
  // A prediction cut at the row cap has more rows than were read, so more than the gold has.
  if (pred.status !== 'ok' || pred.truncated) return false;
  return resultsEqual(gold.rows, pred.rows, options.orderMatters);
}

function empty(side: 'gold' | 'pred'): { code: string; message: string } {
  return {
    code: 'SQL_EMPTY',
    message: side === 'gold' ? 'the gold query is empty' : 'the prediction has no SQL',
  };
}

function failure(run: SqlRun): { code: string; message: string } {
  if (run.status === 'ok') return { code: 'SQL_ERROR', message: 'the result was cut at the row cap' };
  return run.error ?? { code: run.status, message: `the query ended with status ${run.status}` };
}

export async function compareQueries(
  runSql: RunSql,
  database: string | readonly string[],
  goldSql: string,
  predSql: string,
  options: CompareOptions = {},
): Promise<QueryComparison> {
  const keepDistinct = options.keepDistinct ?? false;
  const pred = (options.replaceValuePlaceholder ?? true) ? predSql.replaceAll(' value ', ' 1 ') : predSql;
  if (goldSql.trim() === '') {
    return {
      outcome: 'gold_error',
      correct: false,
      orderMatters: false,
      goldSql,
      predSql: pred,
      error: empty('gold'),
    };
  }
  const gold = prepare(goldSql, keepDistinct);
  const orderMatters = goldOrderMatters(gold);
  if (pred.trim() === '') {
    return {
      outcome: 'pred_error',
      correct: false,
      orderMatters,
      goldSql: gold,
      predSql: pred,
      error: empty('pred'),
    };
  }
  const prepared = { correct: false, orderMatters, goldSql: gold, predSql: prepare(pred, keepDistinct) };

  for (const file of typeof database === 'string' ? [database] : database) {
    const goldRun = await runSql(file, replaceCurrentYear(prepared.goldSql));
    if (goldRun.status !== 'ok' || goldRun.truncated) {
      return { ...prepared, outcome: 'gold_error', error: failure(goldRun) };
    }
    const predRun = await runSql(file, replaceCurrentYear(prepared.predSql));
    if (predRun.status !== 'ok') return { ...prepared, outcome: 'pred_error', error: failure(predRun) };
    if (!scoreExecution(goldRun, predRun, { orderMatters })) return { ...prepared, outcome: 'mismatch' };
  }
  return { ...prepared, outcome: 'match', correct: true };
}
