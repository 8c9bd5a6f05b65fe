// On PostgreSQL a caller can be mapped to a database role: each candidate runs under
// `SET LOCAL ROLE` to it, so the warehouse's own grants and row-level security decide what the
// model's SQL sees. The role ends with the candidate's transaction: the pooled connection goes
// back as the connection's user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunAccess } from '../../engine/actor.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { createNodeContext } from '../../engine/node-context.ts';
import { ResourcePool } from '../../engine/resources.ts';
import executeNode from '../../nodes/sql/execute.node.ts';
import { connectionDatabase } from '../../nodes/sql/warehouse-executor.ts';
import type { SchemaContext } from '../../nodes/types.ts';
import type { PostgresServer } from '../support/postgres-server.ts';
import { startPostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
let url: string;
const resources = new ResourcePool();

beforeAll(async () => {
  server = await startPostgresServer();
  url = await server.createDatabase('shop');
  await server.query(
    `CREATE TABLE orders (id int PRIMARY KEY, region text, amount int);
     INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 20), (3, 'north', 30);
     CREATE TABLE customers (name text);
     INSERT INTO customers VALUES ('Ada');
     CREATE ROLE north_analyst NOLOGIN;
     GRANT SELECT ON orders TO north_analyst;
     ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
     CREATE POLICY north_only ON orders FOR SELECT TO north_analyst USING (region = 'north');`,
    [],
    'shop',
  );
});
afterAll(async () => {
  await resources.disposeAll();
  await server?.close();
});

async function execute(sql: string, access: RunAccess | null) {
  const schema: SchemaContext = {
    database: connectionDatabase('shop'),
    dialect: 'postgres',
    ddl: '',
    tables: [],
    retrieval: [],
  };
  const settings = {
    ...settingsFrom({}),
    connection: async (name: string) => ({ name, kind: 'postgres' as const, url }),
  };
  const outputs = await executeNode.run({
    params: executeNode.params.parse({}),
    inputs: {
      candidates: {
        candidates: [{ index: 0, sql, reasoning: '', text: sql, finishReason: 'stop' }],
        model: 'test',
      },
      schema,
    },
    ctx: createNodeContext({ resources, settings, access }),
  });
  return outputs.results.candidates[0]!;
}

const NORTH: RunAccess = { connections: { shop: { dbRole: 'north_analyst' } } };

describe('a caller mapped to a database role', () => {
  it("sees only the rows the role's row-level security policy lets through", async () => {
    const mine = await execute('SELECT id, amount FROM orders ORDER BY id', NORTH);
    expect(mine).toMatchObject({
      status: 'ok',
      rows: [
        [1, 10],
        [3, 30],
      ],
    });
    const total = await execute('SELECT sum(amount) FROM orders', NORTH);
    expect(total.rows).toEqual([[40]]);
  });

  it("cannot read a table the role has no grant on, whatever the connection's user may", async () => {
    const refused = await execute('SELECT name FROM customers', NORTH);
    expect(refused.status).toBe('error');
    expect(refused.error!.message).toMatch(/permission denied/);
    expect(refused.rows).toEqual([]);
  });

  it('cannot step back out of the role from inside the query', async () => {
    const reset = await execute("SELECT set_config('role', 'none', true), count(*) FROM orders", NORTH);
    expect(reset.status).not.toBe('ok');
  });

  it("keeps the role to the candidate's transaction: a caller without one sees every row after", async () => {
    await execute('SELECT 1', NORTH);
    const all = await execute('SELECT count(*) FROM orders', null);
    expect(all).toMatchObject({ status: 'ok', rows: [[3]] });
  });

  it('with allowedTables too, refuses other tables before running them', async () => {
    const both: RunAccess = { connections: { shop: { dbRole: 'north_analyst', allowedTables: ['orders'] } } };
    const refused = await execute('SELECT name FROM customers', both);
    expect(refused).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' } });
  });
});
