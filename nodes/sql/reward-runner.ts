// Where sql.reward runs SQL: a sandbox pool of its own (read-only child processes, 30 s timeout
// like SQL-R1's reward, whole results), created on first use and closed on shutdown. Tests hand
// the node a scope that returns an in-process runner instead.
import { defineResource } from '../../engine/resources.ts';
import type { RunSql } from '../../eval/scoring/run-sql.ts';
import { SqlSandboxPool } from './sandbox/sql-sandbox-pool.ts';
import { sandboxRunSql } from './sandbox-run-sql.ts';

export type ClosableRunSql = RunSql & { close?: () => Promise<void> };

export const rewardSqlRunner = defineResource<ClosableRunSql>({
  name: 'sql.reward.run-sql',
  create() {
    const pool = new SqlSandboxPool({ size: 2 });
    return Object.assign(sandboxRunSql(pool), { close: () => pool.close() });
  },
  dispose: (runSql) => runSql.close?.(),
});
