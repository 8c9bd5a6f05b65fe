// Executed candidates for the vote's tests: one that ran and returned `rows`.
import type { Cell, ExecutedCandidate } from '../../../nodes/types.ts';

export function ranCandidate(
  index: number,
  sql: string,
  rows: Cell[][],
  extra: Partial<ExecutedCandidate> = {},
): ExecutedCandidate {
  return {
    index,
    sql,
    status: 'ok',
    columns: rows[0]?.map((_, i) => `c${i}`) ?? [],
    rows,
    rowCount: rows.length,
    truncated: false,
    durationMs: 1,
    ...extra,
  };
}
