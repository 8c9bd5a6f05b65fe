import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { introspectWarehouse } from '../../../nodes/schema/introspect-warehouse.ts';
import {
  postgresTableReference,
  quotePostgresIdentifier,
} from '../../../nodes/schema/postgres-identifiers.ts';
import { formatIdentifier, renderSchemaDdl } from '../../../nodes/schema/render-ddl.ts';
import { readSpiderDatabase, spiderTypeOf } from '../../../nodes/schema/spider-metadata.ts';
import type { TableSchema } from '../../../nodes/schema/warehouse-schema.ts';
import { makeTempDir, SPIDER_DB_IDS, SPIDER_TABLES_JSON, spiderDatabasePath } from './spider-files.ts';

// The fixtures are SQL-R1's own `obtain_db_details` (eval mode) run on its cached
// spiderdev_db_id2db_info.json and spiderdev_db_id2sampled_db_values.json.
const FIXTURES = join(import.meta.dirname, 'fixtures', 'sql-r1-ddl');

function renderSpider(dbId: string, examplesPerColumn = 2): string {
  const db = new Database(spiderDatabasePath(dbId), { readonly: true });
  try {
    const spider = readSpiderDatabase(SPIDER_TABLES_JSON, dbId);
    return renderSchemaDdl(introspectWarehouse(db, { examplesPerColumn, spider }).tables);
  } finally {
    db.close();
  }
}

describe("the prompt schema is SQL-R1's pseudo-DDL", () => {
  it.each(SPIDER_DB_IDS)('%s with tables.json renders exactly as SQL-R1 renders it', (dbId) => {
    expect(renderSpider(dbId)).toBe(readFileSync(join(FIXTURES, `${dbId}.sql`), 'utf8'));
  });

  it('concert_singer shows natural names, backticked reserved words and FK constraints', () => {
    const ddl = renderSpider('concert_singer');
    expect(ddl).toContain('CREATE TABLE stadium (\n    Stadium_ID number, -- example: [1, 2]\n');
    expect(ddl).toContain(`    Name text, -- example: ["Stark's Park", 'Somerset Park']`);
    expect(ddl).toContain("    `Year` text, -- example: ['2014', '2015']");
    expect(ddl).toContain(
      '    CONSTRAINT fk_concert_stadium_id FOREIGN KEY (Stadium_ID) REFERENCES stadium (Stadium_ID)\n);',
    );
    expect(ddl.split('\n\n')).toHaveLength(4);
  });

  it('a column whose natural name says more than its name carries it in the comment', () => {
    const ddl = renderSpider('flight_2');
    expect(ddl).toContain('    uid number, -- airline id, example: [1, 2]');
    expect(ddl).toContain("    DestAirport text, -- destination airport, example: [' ASY', ' APG']");
  });

  it('more examples per column are the next distinct values', () => {
    expect(renderSpider('concert_singer', 4)).toContain(
      "    Location text, -- example: ['Raith Rovers', 'Ayr United', 'East Fife', \"Queen's Park\"]",
    );
  });
});

describe('without tables.json the schema comes from SQLite itself', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('maps declared types to Spider words and reads keys, including composite and implicit ones', () => {
    const temp = makeTempDir('ddl');
    cleanup = temp.cleanup;
    const db = new Database(join(temp.dir, 'w.sqlite'));
    db.exec(`
      CREATE TABLE "order" ("Group" INTEGER PRIMARY KEY, "first name" VARCHAR(20), born DATE, ok BOOLEAN, blob_col BLOB, price DECIMAL(8,2));
      CREATE TABLE line (order_id INT REFERENCES "order", seq INTEGER, note, PRIMARY KEY (order_id, seq));
      INSERT INTO "order" VALUES (1, 'Ann', '2001-02-03', 1, x'00ff', 2.5), (2, '', NULL, 0, NULL, 3);
      INSERT INTO line VALUES (1, 1, 'a very long note that goes on and on past forty characters'), (1, 2, NULL);
    `);
    const ddl = renderSchemaDdl(introspectWarehouse(db, { examplesPerColumn: 3 }).tables);
    db.close();
    expect(ddl).toBe(
      [
        'CREATE TABLE `order` (',
        '    `Group` number, -- example: [1, 2]',
        "    `first name` text, -- example: ['Ann']",
        "    born time, -- example: ['2001-02-03']",
        '    ok boolean, -- example: [1, 0]',
        "    blob_col others, -- example: [b'\\x00\\xff']",
        '    price number, -- example: [2.5, 3]',
        '    PRIMARY KEY (`Group`)',
        ');',
        '',
        'CREATE TABLE line (',
        '    order_id number, -- example: [1]',
        '    seq number, -- example: [1, 2]',
        "    note text, -- example: ['a very long note that goes on and on pas']",
        '    PRIMARY KEY (order_id, seq),',
        '    CONSTRAINT fk_line_order_id FOREIGN KEY (order_id) REFERENCES `order` (`Group`)',
        ');',
      ].join('\n'),
    );
  });

  it("uses Spider's type mapping and SQL-R1's reserved words", () => {
    expect(['varchar(10)', '', 'INTEGER', 'real', 'datetime', 'boolean', 'blob'].map(spiderTypeOf)).toEqual([
      'text',
      'text',
      'number',
      'number',
      'time',
      'boolean',
      'others',
    ]);
    expect(['name', 'Year', 'order', 'song-name', 'count', 'status'].map(formatIdentifier)).toEqual([
      'name',
      '`Year`',
      '`order`',
      '`song-name`',
      '`count`',
      'status',
    ]);
  });
});

describe('PostgreSQL schemas keep the layout and write names as PostgreSQL needs them', () => {
  it('double-quotes reserved, mixed-case and spaced names; qualifies other schemas than public', () => {
    expect(
      ['name', 'order', 'Year', 'song name', 'user', 'status', 'a"b'].map(quotePostgresIdentifier),
    ).toEqual(['name', '"order"', '"Year"', '"song name"', '"user"', 'status', '"a""b"']);
    expect(postgresTableReference('public', 'orders')).toBe('orders');
    expect(postgresTableReference('Sales', 'Order Items')).toBe('"Sales"."Order Items"');
  });

  it('renders a table with its comment, column comments and qualified references', () => {
    const table: TableSchema = {
      name: 'sales.orders',
      naturalName: null,
      comment: 'One row per order',
      columns: [
        { name: 'order', naturalName: null, type: 'integer', examples: ['1'], comment: 'Order number' },
        { name: 'CustomerId', naturalName: null, type: 'integer', examples: [] },
      ],
      primaryKey: ['order'],
      foreignKeys: [{ column: 'CustomerId', refTable: 'customers', refColumn: 'id' }],
    };
    expect(renderSchemaDdl([table], 'postgres')).toBe(
      [
        '-- One row per order',
        'CREATE TABLE sales.orders (',
        '    "order" integer, -- Order number, example: [1]',
        '    "CustomerId" integer,',
        '    PRIMARY KEY ("order"),',
        '    CONSTRAINT fk_sales_orders_customerid FOREIGN KEY ("CustomerId") REFERENCES customers (id)',
        ');',
      ].join('\n'),
    );
  });
});
