// One sandbox pool per process, shared by every node through `ctx.resources` and closed on shutdown.
import { defineResource } from '../../../engine/resources.ts';
import { SqlSandboxPool } from './sql-sandbox-pool.ts';

export const sqlSandboxPoolResource = defineResource<SqlSandboxPool>({
  name: 'sql.sandbox-pool',
  create: () => new SqlSandboxPool(),
  dispose: (pool) => pool.close(),
});
