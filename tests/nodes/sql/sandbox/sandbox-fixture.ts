// A sandbox pool on a fresh temp warehouse for one test file: created before its tests, closed and
// removed after them.
import { afterAll, beforeAll } from 'vitest';
import type { SqlOutcome, SqlRequest } from '../../../../nodes/sql/sandbox/sql-outcome.ts';
import { SqlSandboxPool } from '../../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { createTempWarehouse, type TempWarehouse } from './temp-warehouse.ts';

export interface SandboxFixture {
  readonly warehouse: TempWarehouse;
  readonly pool: SqlSandboxPool;
  /** Runs `sql` on the warehouse, with a 10 s timeout and 100 rows unless `request` says otherwise. */
  run(sql: string, request?: Partial<SqlRequest>): Promise<SqlOutcome>;
}

export function prepareSandboxFixture(): SandboxFixture {
  let warehouse: TempWarehouse | undefined;
  let pool: SqlSandboxPool | undefined;
  beforeAll(() => {
    warehouse = createTempWarehouse();
    pool = new SqlSandboxPool({ size: 1, spares: 0 });
  });
  afterAll(async () => {
    await pool?.close();
    warehouse?.remove();
  });
  const fixture: SandboxFixture = {
    get warehouse() {
      if (!warehouse) throw new Error('the sandbox fixture is used outside a test');
      return warehouse;
    },
    get pool() {
      if (!pool) throw new Error('the sandbox fixture is used outside a test');
      return pool;
    },
    run: (sql, request = {}) =>
      fixture.pool.execute({
        database: fixture.warehouse.path,
        sql,
        timeoutMs: 10_000,
        maxRows: 100,
        ...request,
      }),
  };
  return fixture;
}
