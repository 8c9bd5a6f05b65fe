// A caller's table limits hold whatever SQL the model writes: sql.execute and sql.correct narrow
// the node's own allowedTables by the run's access (ctx.access), never widen them, and the
// limits travel with a queued node job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineAccess, narrowTables, type RunAccess } from '../../engine/actor.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { createNodeContext } from '../../engine/node-context.ts';
import { ResourcePool } from '../../engine/resources.ts';
import executeNode from '../../nodes/sql/execute.node.ts';
import type { SchemaContext } from '../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../nodes/warehouse/data-dir.ts';
import { NodeJobSchema } from '../../workers/job-payload.ts';
import { createDuckdbWarehouse, type DuckdbWarehouse } from '../support/duckdb-warehouse.ts';

let warehouse: DuckdbWarehouse;
const resources = new ResourcePool();
beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
});
afterAll(async () => {
  await resources.disposeAll();
  warehouse.close();
});

const CITY_ONLY: RunAccess = { connections: {}, default: { allowedTables: ['city'] } };

async function execute(sql: string[], access: RunAccess | null, params: Record<string, unknown> = {}) {
  const schema: SchemaContext = {
    database: warehouse.file,
    dialect: 'duckdb',
    ddl: '',
    tables: [],
    retrieval: [],
  };
  const outputs = await executeNode.run({
    params: executeNode.params.parse(params),
    inputs: {
      candidates: {
        candidates: sql.map((text, index) => ({
          index,
          sql: text,
          reasoning: '',
          text,
          finishReason: 'stop',
        })),
        model: 'test',
      },
      schema,
    },
    ctx: createNodeContext({ resources, settings: settingsFrom({ [DATA_DIR_ENV]: warehouse.dir }), access }),
  });
  return outputs.results.candidates;
}

describe("the caller's allowed tables", () => {
  it('refuse a table the caller may not read, with a clear code, and let the allowed one through', async () => {
    const [country, city] = await execute(['SELECT name FROM country', 'SELECT name FROM city'], CITY_ONLY);
    expect(country).toMatchObject({ status: 'forbidden', rows: [], error: { code: 'SQL_TABLE_FORBIDDEN' } });
    expect(country!.error!.message).toContain('country');
    expect(city).toMatchObject({ status: 'ok', rowCount: 3 });
  });

  it('hold inside joins and subqueries the model writes', async () => {
    const [joined] = await execute(
      ['SELECT c.name FROM city c WHERE c.country IN (SELECT code FROM country)'],
      CITY_ONLY,
    );
    expect(joined).toMatchObject({ status: 'forbidden', rows: [] });
  });

  it("narrow the node's own list, never widen it", async () => {
    const [country, city] = await execute(['SELECT name FROM country', 'SELECT name FROM city'], CITY_ONLY, {
      allowedTables: ['country', 'city'],
    });
    expect(country).toMatchObject({ status: 'forbidden' });
    expect(city).toMatchObject({ status: 'ok' });
    const [widened] = await execute(
      ['SELECT name FROM country'],
      {
        connections: {},
        default: { allowedTables: ['country'] },
      },
      { allowedTables: ['city'] },
    );
    expect(widened).toMatchObject({ status: 'forbidden' });
  });

  it('apply per connection: limits for another connection leave this warehouse alone', async () => {
    const [country] = await execute(['SELECT name FROM country'], {
      connections: { sales: { allowedTables: ['orders'] } },
    });
    expect(country).toMatchObject({ status: 'ok', rowCount: 2 });
  });

  it("of a role and of its user hold together: a runner whose role allows city only gets 'not allowed' for country", async () => {
    const user: RunAccess = { connections: {}, default: { allowedTables: ['city', 'country'] } };
    const role: RunAccess = {
      connections: { other: { allowedTables: ['x'] } },
      default: { allowedTables: ['CITY'] },
    };
    const both = combineAccess(user, role);
    expect(both).toEqual({
      connections: { other: { allowedTables: [] } },
      default: { allowedTables: ['city'] },
    });
    const [country, city] = await execute(['SELECT name FROM country', 'SELECT name FROM city'], both);
    expect(country).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' } });
    expect(city).toMatchObject({ status: 'ok', rowCount: 3 });
    expect(combineAccess(null, role)).toBe(role);
    expect(combineAccess(undefined, null)).toBeNull();
  });

  it('intersect case-insensitively', () => {
    expect(narrowTables(['Orders', 'customers'], ['orders'])).toEqual(['Orders']);
    expect(narrowTables(undefined, ['orders'])).toEqual(['orders']);
    expect(narrowTables(['orders'], undefined)).toEqual(['orders']);
    expect(narrowTables(undefined, undefined)).toBeUndefined();
    expect(narrowTables(['customers'], ['orders'])).toEqual([]);
  });

  it('travel with a queued node job, and a job with a malformed access is refused', () => {
    const job = {
      jobId: 'r-n-1',
      runId: 'r',
      nodeId: 'n',
      attempt: 1,
      nodeKey: 'sql.execute@1',
      lane: 'sql',
      params: {},
      inputs: {},
      access: CITY_ONLY,
    };
    expect(NodeJobSchema.parse(JSON.parse(JSON.stringify(job))).access).toEqual(CITY_ONLY);
    const badRole = { ...job, access: { connections: { sales: { dbRole: 'x"; RESET ROLE; --' } } } };
    expect(NodeJobSchema.safeParse(badRole).success).toBe(false);
  });
});
