// Execution accuracy against a known result instead of a gold query (a flow's publish test set
// may give the rows a right answer has): the prediction runs as compareQueries runs it, and its
// rows are compared as a bag with test-suite's rules (result-eq.ts), order ignored.

import type { Cell } from '../../nodes/types.ts';
import type { QueryComparison } from './compare-queries.ts';
import { resultsEqual } from './result-eq.ts';
import type { RunSql } from './run-sql.ts';

export async function compareToRows(
  runSql: RunSql,
  database: string,
  expectedRows: readonly (readonly Cell[])[],
  predSql: string,
): Promise<QueryComparison> {
  const base = { orderMatters: false, goldSql: '', predSql, correct: false };
  if (predSql.trim() === '') {
    return {
      ...base,
      outcome: 'pred_error',
      error: { code: 'SQL_EMPTY', message: 'the prediction has no SQL' },
    };
  }
  const pred = await runSql(database, predSql);
  if (pred.status !== 'ok') {
    const error = pred.error ?? { code: pred.status, message: `the query ended with status ${pred.status}` };
    return { ...base, outcome: 'pred_error', error };
  }
  if (pred.truncated || !resultsEqual(expectedRows, pred.rows, false))
    return { ...base, outcome: 'mismatch' };
  return { ...base, outcome: 'match', correct: true };
}
