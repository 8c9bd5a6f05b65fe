// The retention query both stores run, written once: each store passes its own placeholders
// (SQLite `@name`, PostgreSQL `$n`) and the few clauses its SQL spells differently.

export interface PrunableRunsSql {
  finishedBefore: string;
  failedBefore: string;
  /** A nullable text parameter: when set, only this flow's runs. */
  flowId: string;
  /** A condition on `r.flow_id`, true when the flow is not excluded. */
  flowNotExcluded: string;
  limit: string;
  /** How ties on finished_at sort by id (PostgreSQL needs `COLLATE "C"` to sort as SQLite does). */
  idOrder?: string;
  /** Appended to the statement (PostgreSQL: `FOR UPDATE OF r SKIP LOCKED`). */
  lock?: string;
}

/**
 * The oldest prunable runs of the policy's flows: finished past their cut-off, without feedback,
 * and a thread's turns only once all of them are. Finished states are final, so a run this
 * matches cannot become active again before it is deleted.
 */
export function prunableRunsSql(p: PrunableRunsSql): string {
  const prunable = (r: string) => `(
    ((${r}.status IN ('succeeded', 'cancelled') AND ${r}.finished_at IS NOT NULL AND ${r}.finished_at < ${p.finishedBefore})
      OR (${r}.status = 'failed' AND ${r}.finished_at IS NOT NULL AND ${r}.finished_at < ${p.failedBefore}))
    AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.run_id = ${r}.id))`;
  return `
    SELECT r.id FROM runs r
    WHERE ${prunable('r')}
      AND (${p.flowId} IS NULL OR r.flow_id = ${p.flowId})
      AND (${p.flowId} IS NOT NULL OR ${p.flowNotExcluded})
      AND (r.thread_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM runs t WHERE t.thread_id = r.thread_id AND NOT ${prunable('t')}))
    ORDER BY r.finished_at, r.id ${p.idOrder ?? ''}
    LIMIT ${p.limit} ${p.lock ?? ''}`;
}
