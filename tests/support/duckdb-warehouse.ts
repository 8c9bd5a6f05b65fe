// A small DuckDB warehouse for tests: two tables with keys, a view over a CSV file kept beside the
// database (DuckDB warehouses are mostly views over files), in a temp dir of its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckdbWarehouse {
  dir: string;
  file: string;
  close(): void;
}

export async function createDuckdbWarehouse(): Promise<DuckdbWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-duckdb-'));
  const file = join(dir, 'warehouse.duckdb');
  writeFileSync(join(dir, 'visits.csv'), 'city,visits\nParis,3\nOslo,5\n');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`
    CREATE TABLE country (code VARCHAR PRIMARY KEY, name VARCHAR, founded DATE);
    CREATE TABLE city (
      id INTEGER PRIMARY KEY, name VARCHAR, country VARCHAR REFERENCES country (code),
      population BIGINT, area DECIMAL(10, 2), capital BOOLEAN, updated TIMESTAMP
    );
    INSERT INTO country VALUES ('FR', 'France', DATE '1958-10-04'), ('NO', 'Norway', DATE '1814-05-17');
    INSERT INTO city VALUES
      (1, 'Paris', 'FR', 9007199254740993, 105.40, true, TIMESTAMP '2024-01-02 03:04:05'),
      (2, 'Oslo', 'NO', 709037, 454.00, true, TIMESTAMP '2024-02-03 04:05:06'),
      (3, 'Lyon', 'FR', 522250, 47.87, false, NULL);
    CREATE VIEW visits AS SELECT * FROM read_csv('${join(dir, 'visits.csv')}');
  `);
  connection.closeSync();
  instance.closeSync();
  return { dir, file, close: () => rmSync(dir, { recursive: true, force: true }) };
}
