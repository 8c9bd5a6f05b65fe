// The limits a node's SQL runs under once the run's caller is counted: the node's own
// allowedTables narrowed by the caller's list for this warehouse, and the caller's database role.
// Shared by sql.execute and sql.correct so a corrected query is held to the same limits.
import { accessFor, narrowTables } from '../../engine/actor.ts';
import type { NodeContext } from '../../engine/define-node.ts';
import type { SqlRequest } from './sandbox/sql-outcome.ts';
import { connectionNameOf } from './warehouse-executor.ts';

export type CallerLimits = Pick<SqlRequest, 'allowedTables' | 'dbRole'>;

export function callerLimits(
  ctx: Pick<NodeContext, 'access'>,
  database: string,
  ownTables: readonly string[] | undefined,
): CallerLimits {
  const caller = accessFor(ctx.access, connectionNameOf(database));
  const allowedTables = narrowTables(ownTables, caller.allowedTables);
  return {
    ...(allowedTables === undefined ? {} : { allowedTables }),
    ...(caller.dbRole === undefined ? {} : { dbRole: caller.dbRole }),
  };
}
