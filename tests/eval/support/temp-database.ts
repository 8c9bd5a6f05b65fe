// A small warehouse in a temp directory, created from SQL and removed after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface TempDatabase {
  file: string;
  remove(): void;
}

export function createTempDatabase(script: string, name = 'warehouse.sqlite'): TempDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'r1flow-eval-'));
  const file = join(directory, name);
  const db = new Database(file);
  db.exec(script);
  db.close();
  return { file, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export const SINGERS = `
  CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
  INSERT INTO singer VALUES (1, 'Joe', 'France', 30), (2, 'Ann', 'France', 25), (3, 'Bo', 'Chile', 41);
`;
