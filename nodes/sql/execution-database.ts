// Where a node that runs SQL runs it, from the schema context it was given: a file must lie in the
// data directory and exist; a `connection:NAME` is left to the executor, which resolves the named
// connection. The same rule as sql.execute's.
import type { NodeContext } from '../../engine/define-node.ts';
import type { SchemaContext } from '../types.ts';
import { resolveInDataDir } from '../warehouse/data-dir.ts';
import { resolveWarehousePath } from '../warehouse/resolve-warehouse.ts';
import { connectionNameOf } from './warehouse-executor.ts';

export function executionDatabase(ctx: Pick<NodeContext, 'setting'>, schema: SchemaContext): string {
  if (connectionNameOf(schema.database) !== undefined) return schema.database;
  return resolveWarehousePath(resolveInDataDir('schema.database', schema.database, 'read', ctx.setting));
}
