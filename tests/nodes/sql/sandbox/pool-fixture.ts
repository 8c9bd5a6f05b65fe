// Per-test sandbox pools over a fresh temp warehouse: every pool a test starts is closed, and the
// warehouse removed, after it.
import { afterEach, beforeEach } from 'vitest';
import { SqlSandboxPool } from '../../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { createTempWarehouse, type TempWarehouse } from './temp-warehouse.ts';

/** Counts forever: stopped only by a timeout or a kill. */
export const RUNAWAY =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n';

export interface PoolFixture {
  /** This test's warehouse. */
  readonly warehouse: TempWarehouse;
  startPool(options: ConstructorParameters<typeof SqlSandboxPool>[0]): SqlSandboxPool;
}

export function sandboxPoolFixture(): PoolFixture {
  let warehouse: TempWarehouse | undefined;
  const pools: SqlSandboxPool[] = [];
  beforeEach(() => {
    warehouse = createTempWarehouse();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
    warehouse?.remove();
  });
  return {
    get warehouse() {
      if (!warehouse) throw new Error('the warehouse exists only inside a test');
      return warehouse;
    },
    startPool(options) {
      const pool = new SqlSandboxPool(options);
      pools.push(pool);
      return pool;
    },
  };
}
