// One question for `r1flow vote`: a 2-row SQLite file and 3 candidates (two agree on Joe, one fails),
// so the vote picks candidate 0 with 2 votes. Used by the package test and bench/cli-startup.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Writes the fixture into `dir`; returns the `r1flow vote` arguments that use it. */
export function writeVoteFixture(dir: string): string[] {
  const db = join(dir, 'singers.sqlite');
  const database = new Database(db);
  database.exec(
    `CREATE TABLE singer (name TEXT, age INTEGER); INSERT INTO singer VALUES ('Joe', 30), ('Ann', 25);`,
  );
  database.close();
  const candidates = join(dir, 'candidates.json');
  writeFileSync(
    candidates,
    JSON.stringify([
      'SELECT name FROM singer WHERE age > 28',
      'SELECT nme FROM singer',
      'SELECT name FROM singer WHERE age >= 30',
    ]),
  );
  return ['vote', '--db', db, '--candidates', candidates];
}
