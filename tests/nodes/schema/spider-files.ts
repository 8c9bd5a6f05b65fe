// Where the Spider dev subset lives (read only: never write there), and a temp dir per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPIDER_DEV_DIR } from '../../support/datasets.ts';

export const SPIDER_DIR = SPIDER_DEV_DIR;
export const SPIDER_TABLES_JSON = join(SPIDER_DIR, 'tables.json');
export const SPIDER_DB_IDS = [
  'flight_2',
  'pets_1',
  'concert_singer',
  'museum_visit',
  'singer',
  'cre_Doc_Template_Mgt',
  'employee_hire_evaluation',
  'poker_player',
  'course_teach',
  'car_1',
] as const;

export function spiderDatabasePath(dbId: string): string {
  return join(SPIDER_DIR, 'databases', dbId, `${dbId}.sqlite`);
}

/** A fresh directory under the OS temp dir and the function that removes it. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `r1flow-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
