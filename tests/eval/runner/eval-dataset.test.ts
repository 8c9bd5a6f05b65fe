import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../../engine/errors.ts';
import { loadEvalDataset } from '../../../eval/runner/eval-dataset.ts';
import { makeTempDir } from '../../nodes/schema/spider-files.ts';
import { SPIDER_DEV_DIR } from '../support/spider-dev.ts';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('eval-dataset');
});
afterEach(() => temp.cleanup());

function write(name: string, text: string): string {
  const path = join(temp.dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function problem(dir: string): R1flowError {
  try {
    loadEvalDataset(dir);
  } catch (error) {
    if (error instanceof R1flowError) return error;
    throw error;
  }
  throw new Error('the dataset was accepted');
}

const TABLES = JSON.stringify([
  {
    db_id: 'shop',
    table_names_original: ['item'],
    column_names_original: [
      [-1, '*'],
      [0, 'id'],
    ],
  },
]);
const QUESTION = {
  question_id: 0,
  db_id: 'shop',
  question: 'How many items?',
  gold_sql: 'SELECT count(*) FROM item',
};

describe('an evaluation dataset directory', () => {
  it('loads the Spider dev subset: 499 questions, schemas, one database file per db_id', () => {
    const dataset = loadEvalDataset(SPIDER_DEV_DIR);
    expect(dataset.questions).toHaveLength(499);
    expect(dataset.schemas.size).toBe(10);
    expect(dataset.databaseFiles('pets_1')).toEqual([
      join(SPIDER_DEV_DIR, 'databases', 'pets_1', 'pets_1.sqlite'),
    ]);
  });

  it('an empty directory is DATASET_INVALID naming the missing questions.json', () => {
    const error = problem(temp.dir);
    expect(error.code).toBe('DATASET_INVALID');
    expect(error.message).toBe(`${join(temp.dir, 'questions.json')}: is missing`);
  });

  it('a directory that does not exist is DATASET_INVALID', () => {
    expect(problem(join(temp.dir, 'nope')).message).toContain('the dataset directory does not exist');
  });

  it('malformed questions.json names the file, line and column', () => {
    write('questions.json', '[\n  {"question_id": 0,}\n]');
    const error = problem(temp.dir);
    expect(error.code).toBe('DATASET_INVALID');
    expect(error.message).toMatch(/questions\.json:2:\d+: malformed JSON/);
  });

  it('questions without gold SQL name the entry and the field', () => {
    write('questions.json', JSON.stringify([QUESTION, { question_id: 1, db_id: 'shop', question: 'q' }]));
    expect(problem(temp.dir).message).toMatch(/questions\.json: not a list of .*\[1\]\.gold_sql: /);
  });

  it('an empty question list and repeated question ids are refused', () => {
    write('questions.json', '[]');
    expect(problem(temp.dir).message).toContain('questions.json: has no questions');
    write('questions.json', JSON.stringify([QUESTION, QUESTION]));
    expect(problem(temp.dir).message).toContain('question_id 0 appears twice');
  });

  it('a missing tables.json, a database absent from it and a missing database file are named', () => {
    write('questions.json', JSON.stringify([QUESTION]));
    expect(problem(temp.dir).message).toContain(`${join(temp.dir, 'tables.json')}: is missing`);
    write('tables.json', '{"not": "a list"}');
    expect(problem(temp.dir).message).toContain('is not a Spider tables.json');
    write('tables.json', TABLES.replace('"shop"', '"other"'));
    expect(problem(temp.dir).message).toContain('tables.json: no entry for database "shop" (question 0)');
    write('tables.json', TABLES);
    expect(problem(temp.dir).message).toBe(
      `${join(temp.dir, 'databases', 'shop', 'shop.sqlite')}: is missing (database "shop" of question 0)`,
    );
  });
});
