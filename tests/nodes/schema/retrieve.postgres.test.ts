// schema.retrieve@1 over a real PostgreSQL warehouse reached through a named connection: the
// catalog becomes SQL-R1's pseudo-DDL (PostgreSQL types, schemas, keys, comments), example values
// come from a bounded sample, the index is re-read only for tables that changed, and failures name
// the connection, never its URL.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { connectionNotFound } from '../../../engine/connections.ts';
import type { Logger } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import retrieveNode from '../../../nodes/schema/retrieve.node.ts';
import { SchemaContextSchema } from '../../../nodes/types.ts';
import { buildDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { type PostgresServer, startPostgresServer } from '../../support/postgres-server.ts';
import { freePort } from '../../support/redis-server.ts';
import { makeTempDir } from './spider-files.ts';

const SHOP_SQL = `
CREATE TABLE customers (
  customer_id integer PRIMARY KEY,
  name text NOT NULL,
  city text,
  signed_up date,
  is_active boolean
);
COMMENT ON TABLE customers IS 'People who bought something';
COMMENT ON COLUMN customers.city IS 'City of the billing address';
INSERT INTO customers VALUES
  (1, 'Ada', 'Berlin', '2024-01-05', true), (2, 'Bo', 'Boston', '2023-11-30', false),
  (3, 'Cy', NULL, NULL, NULL), (4, 'Di', 'Berlin', '2024-02-10', true);

CREATE TABLE orders (
  order_id integer PRIMARY KEY,
  customer_id integer REFERENCES customers (customer_id),
  total numeric(10,2),
  placed_at timestamp,
  status varchar(20)
);
COMMENT ON COLUMN orders.total IS E'Order total in EUR,\\nincluding VAT';
INSERT INTO orders VALUES (10, 1, 12.50, '2024-03-01 10:15:00', 'shipped'), (11, 2, 99, '2024-03-02 08:00:00', 'open');

CREATE SCHEMA inventory;
CREATE TABLE inventory.products (product_id integer PRIMARY KEY, title text, "Stock Level" integer);
INSERT INTO inventory.products VALUES (100, 'Lamp', 3), (101, 'Desk', 0);
CREATE TABLE inventory.stock_moves (
  move_id bigint PRIMARY KEY,
  product_id integer REFERENCES inventory.products (product_id),
  moved_on date,
  quantity integer
);
INSERT INTO inventory.stock_moves VALUES (1, 100, '2024-04-01', 5);

CREATE TABLE order_items (
  order_id integer REFERENCES orders,
  product_id integer REFERENCES inventory.products,
  quantity integer,
  PRIMARY KEY (order_id, product_id)
);

-- 3000 rows: the first 1000 (the sample) have codes z..., the rest a... that would sort first.
CREATE TABLE events (event_id integer PRIMARY KEY, code text, note text);
INSERT INTO events
  SELECT i, CASE WHEN i <= 1000 THEN 'z' || (i % 7) ELSE 'a' || i END, repeat('x', 60) || (i % 3)
  FROM generate_series(1, 3000) i;

CREATE TABLE _r1flow_sync_state (source text);
`;

let server: PostgresServer;
let shopUrl: string;
let temp: ReturnType<typeof makeTempDir>;
let sqliteWarehouse: string;

beforeAll(async () => {
  server = await startPostgresServer();
  shopUrl = await server.createDatabase('shop');
  await server.query(SHOP_SQL, [], 'shop');
  // Settled statistics: autovacuum has nothing left to change between two runs of a test.
  await server.query('VACUUM ANALYZE', [], 'shop');
  temp = makeTempDir('retrieve-postgres');
  sqliteWarehouse = join(temp.dir, 'demo.sqlite');
  buildDemoWarehouse(sqliteWarehouse);
});

afterAll(async () => {
  await server?.close();
  temp?.cleanup();
});

let pool: ResourcePool;
let indexDir: ReturnType<typeof makeTempDir>;
const warnings: string[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} };

beforeEach(() => {
  pool = new ResourcePool();
  indexDir = makeTempDir('retrieve-postgres-index');
  warnings.length = 0;
});

afterEach(async () => {
  await pool.disposeAll();
  indexDir.cleanup();
});

type Connections = Record<string, Omit<ResolvedConnection, 'name'>>;

async function run(
  params: Record<string, unknown>,
  question: string,
  connections?: Connections,
  signal?: AbortSignal,
) {
  const known: Connections = connections ?? { shop: { kind: 'postgres', url: shopUrl } };
  const settings = settingsFrom({ R1FLOW_SCHEMA_INDEX_DIR: indexDir.dir, R1FLOW_DATA_DIR: temp.dir });
  const reports: Record<string, unknown>[] = [];
  const ctx = createNodeContext({
    resources: pool,
    logger,
    ...(signal ? { signal } : {}),
    settings: {
      ...settings,
      connection: async (name) => {
        const connection = known[name];
        if (!connection) throw connectionNotFound(name);
        return { name, ...connection };
      },
    },
    onProgress: (update) => {
      if (update.data) reports.push(update.data);
    },
  });
  const { schema } = await retrieveNode.run({
    params: retrieveNode.params.parse({ useEmbeddings: 'off', ...params }),
    inputs: { question },
    ctx,
  });
  return { schema: SchemaContextSchema.parse(schema), reports };
}

describe('schema.retrieve@1 over a PostgreSQL connection', () => {
  it("renders the catalog in SQL-R1's layout with PostgreSQL types, schemas, keys and comments", async () => {
    const { schema } = await run({ connection: 'shop', maxTables: 20 }, 'How many orders?');
    expect(schema.database).toBe('connection:shop');
    expect(schema.dialect).toBe('postgres');
    expect(schema.tables).toEqual([
      'customers',
      'events',
      'order_items',
      'orders',
      'inventory.products',
      'inventory.stock_moves',
    ]);
    expect(schema.ddl).toContain(
      [
        '-- People who bought something',
        'CREATE TABLE customers (',
        '    customer_id integer, -- example: [1, 2]',
        "    name text, -- example: ['Ada', 'Bo']",
        "    city text, -- City of the billing address, example: ['Berlin', 'Boston']",
        "    signed_up date, -- example: ['2023-11-30', '2024-01-05']",
        '    is_active boolean, -- example: [False, True]',
        '    PRIMARY KEY (customer_id)',
        ');',
      ].join('\n'),
    );
    expect(schema.ddl).toContain(
      [
        'CREATE TABLE orders (',
        '    order_id integer, -- example: [10, 11]',
        '    customer_id integer, -- example: [1, 2]',
        '    total numeric(10,2), -- Order total in EUR, including VAT, example: [12.5, 99.0]',
        "    placed_at timestamp, -- example: ['2024-03-01 10:15:00', '2024-03-02 08:00:00']",
        "    status varchar(20), -- example: ['open', 'shipped']",
        '    PRIMARY KEY (order_id),',
        '    CONSTRAINT fk_orders_customer_id FOREIGN KEY (customer_id) REFERENCES customers (customer_id)',
        ');',
      ].join('\n'),
    );
    expect(schema.ddl).toContain(
      'CREATE TABLE inventory.products (\n    product_id integer, -- example: [100, 101]\n' +
        "    title text, -- example: ['Desk', 'Lamp']\n" +
        '    "Stock Level" integer, -- example: [0, 3]\n',
    );
    expect(schema.ddl).toContain(
      '    CONSTRAINT fk_inventory_stock_moves_product_id FOREIGN KEY (product_id) REFERENCES inventory.products (product_id)',
    );
    expect(schema.ddl).toContain(
      [
        '    quantity integer,',
        '    PRIMARY KEY (order_id, product_id),',
        '    CONSTRAINT fk_order_items_order_id FOREIGN KEY (order_id) REFERENCES orders (order_id),',
        '    CONSTRAINT fk_order_items_product_id FOREIGN KEY (product_id) REFERENCES inventory.products (product_id)',
      ].join('\n'),
    );
    expect(schema.ddl).toContain('    move_id bigint, -- example: [1]');
    expect(schema.ddl).not.toContain('_r1flow_');
  });

  it('picks the tables a question needs, across schemas', async () => {
    const stock = await run({ connection: 'shop', maxTables: 2 }, 'Which products had stock moves?');
    expect(stock.schema.tables).toEqual(['inventory.products', 'inventory.stock_moves']);
    const cities = await run({ connection: 'shop', maxTables: 1 }, 'Which customers live in Berlin?');
    expect(cities.schema.tables).toEqual(['customers']);
  });

  it('takes example values from a bounded sample: a few per column, strings cut to 40 characters', async () => {
    const { schema } = await run({ connection: 'shop', maxTables: 20, examplesPerColumn: 3 }, 'events');
    const events = schema.ddl.split('\n\n').find((table) => table.startsWith('CREATE TABLE events'));
    // Only the first 1000 rows are read: the 'a...' codes of later rows would sort first.
    expect(events).toContain("    code text, -- example: ['z0', 'z1', 'z2']");
    expect(events).toContain(`    note text, -- example: ['${'x'.repeat(40)}']`);
    expect(events).toContain('    event_id integer, -- example: [1, 2, 3]');
  });

  it('re-indexes only the tables that were added or altered', async () => {
    const first = await run({ connection: 'shop' }, 'q');
    expect(first.reports).toEqual([expect.objectContaining({ tablesIndexed: 6, tablesUnchanged: 0 })]);
    const second = await run({ connection: 'shop' }, 'q');
    expect(second.reports).toEqual([expect.objectContaining({ tablesIndexed: 0, tablesUnchanged: 6 })]);

    await server.query(
      `CREATE TABLE inventory.suppliers (supplier_id integer PRIMARY KEY, country text);
       ALTER TABLE customers ALTER COLUMN city TYPE varchar(80)`,
      [],
      'shop',
    );
    try {
      const third = await run({ connection: 'shop', maxTables: 20 }, 'q');
      expect(third.reports).toEqual([
        expect.objectContaining({ tablesIndexed: 2, tablesUnchanged: 5, tablesRemoved: 0 }),
      ]);
      expect(third.schema.tables).toContain('inventory.suppliers');
      expect(third.schema.ddl).toContain(
        "    city varchar(80), -- City of the billing address, example: ['Berlin', 'Boston']",
      );
    } finally {
      await server.query(
        'DROP TABLE inventory.suppliers; ALTER TABLE customers ALTER COLUMN city TYPE text',
        [],
        'shop',
      );
    }
    const fourth = await run({ connection: 'shop' }, 'q');
    expect(fourth.reports).toEqual([
      expect.objectContaining({ tablesIndexed: 1, tablesUnchanged: 5, tablesRemoved: 1 }),
    ]);
  });

  it('keys the index by connection name and database, so two connections keep two indexes', async () => {
    const connections: Connections = {
      shop: { kind: 'postgres', url: shopUrl },
      'shop-copy': { kind: 'postgres', url: shopUrl },
    };
    await run({ connection: 'shop' }, 'q', connections);
    const copy = await run({ connection: 'shop-copy' }, 'q', connections);
    expect(copy.schema.database).toBe('connection:shop-copy');
    expect(copy.reports).toEqual([expect.objectContaining({ tablesIndexed: 6 })]);
  });

  it('stops reading when the run is cancelled', async () => {
    const slowUrl = await server.createDatabase('slow');
    await server.query('CREATE VIEW sleepy AS SELECT pg_sleep(60) IS NULL AS slept', [], 'slow');
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    const running = run(
      { connection: 'slow' },
      'q',
      { slow: { kind: 'postgres', url: slowUrl } },
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 200);
    // Without the cancel the view would cost its examples after the 10 s statement timeout, and the node succeed.
    await expect(running).rejects.toBe(reason);
  });

  it('reads a sqlite connection as that file', async () => {
    const { schema } = await run({ connection: 'demo' }, 'How many orders?', {
      demo: { kind: 'sqlite', url: `sqlite://${sqliteWarehouse}` },
    });
    expect(schema).toMatchObject({ database: sqliteWarehouse, dialect: 'sqlite' });
    expect(schema.ddl).toContain('CREATE TABLE orders (\n    order_id number, -- example: [1, 2]\n');
  });
});

describe('schema.retrieve@1 connection failures name the connection, never its URL', () => {
  it('a wrong password', async () => {
    const url = server.urlFor('shop', { name: 'r1flow', password: 'not-the-Secret-42' });
    const failure = run({ connection: 'shop' }, 'q', { shop: { kind: 'postgres', url } });
    await expect(failure).rejects.toMatchObject({
      code: 'WAREHOUSE_CONNECT_FAILED',
      message: expect.stringContaining('PostgreSQL connection "shop": password authentication failed'),
    });
    const message = (await failure.catch((error: Error) => error.message)) as string;
    expect(message).not.toContain('not-the-Secret-42');
    expect(message).not.toContain(server.password);
  });

  it('an unreachable server', async () => {
    const port = await freePort();
    const url = `postgres://r1flow:${server.password}@127.0.0.1:${port}/shop`;
    const failure = run({ connection: 'shop' }, 'q', { shop: { kind: 'postgres', url } });
    await expect(failure).rejects.toMatchObject({
      code: 'WAREHOUSE_CONNECT_FAILED',
      message: expect.stringMatching(/^cannot connect to PostgreSQL connection "shop": .*ECONNREFUSED/),
    });
    expect(await failure.catch((error: Error) => error.message)).not.toContain(server.password);
  });

  it('a connection name the host does not know', async () => {
    await expect(run({ connection: 'nope' }, 'q')).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
      message: expect.stringContaining('no connection named "nope"'),
    });
  });

  it('a connection of a kind that is no warehouse', async () => {
    await expect(
      run({ connection: 'llm' }, 'q', { llm: { kind: 'openai', url: 'http://127.0.0.1:1/v1' } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('connection "llm" (kind openai) is not a warehouse'),
    });
  });

  it('a flow that names both a warehouse file and a connection is invalid', () => {
    const result = retrieveNode.params.safeParse({ warehouse: 'w.sqlite', connection: 'shop' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'give either warehouse (a SQLite file) or connection, not both',
    );
  });
});
