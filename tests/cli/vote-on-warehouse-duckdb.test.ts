// `r1flow vote --db lake.duckdb`: the vote runs on the DuckDB executor (read-only, in process),
// picked from the file's extension as sql.execute would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourcePool } from '../../engine/resources.ts';
import { voteOnWarehouse } from '../../server/cli/vote-on-warehouse.ts';
import { parseWarehouseArg, warehouseRunner } from '../../server/cli/warehouse-arg.ts';
import { createDuckdbWarehouse, type DuckdbWarehouse } from '../support/duckdb-warehouse.ts';

let lake: DuckdbWarehouse;
const resources = new ResourcePool();
beforeAll(async () => {
  lake = await createDuckdbWarehouse();
});
afterAll(async () => {
  await resources.disposeAll();
  lake?.close();
});

describe('vote on a DuckDB file', () => {
  it('groups equal answers, names what failed, and refuses writes as the executor does', async () => {
    const warehouse = await warehouseRunner(await parseWarehouseArg(lake.file), resources);
    const line = await voteOnWarehouse(
      warehouse,
      [
        "SELECT name FROM city WHERE country = 'FR'",
        'SELECT nme FROM city',
        "SELECT c.name FROM city AS c JOIN country AS k ON c.country = k.code WHERE k.name = 'France'",
        "DELETE FROM city WHERE country = 'FR'",
        'SELECT count(*) FROM city',
      ],
      { timeoutMs: 10_000, maxRows: 1000, preset: 'sql-r1' },
    );
    expect(line).toMatchObject({ index: 0, votes: 2, valid: 3 });
    expect(line.rejected.map(({ index, status }) => ({ index, status }))).toEqual([
      { index: 1, status: 'error' },
      { index: 3, status: 'readonly_violation' },
    ]);
  });

  it('a missing file is WAREHOUSE_NOT_FOUND', async () => {
    await expect(
      warehouseRunner(await parseWarehouseArg(`${lake.dir}/nope.duckdb`), resources),
    ).rejects.toMatchObject({ code: 'WAREHOUSE_NOT_FOUND' });
  });
});
