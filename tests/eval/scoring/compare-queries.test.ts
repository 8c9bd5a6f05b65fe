import { afterAll, describe, expect, it } from 'vitest';
import { compareQueries } from '../../../eval/scoring/compare-queries.ts';
import type { RunSql } from '../../../eval/scoring/run-sql.ts';
import { createSqliteRunner } from '../support/sqlite-runner.ts';
import { createTempDatabase, SINGERS } from '../support/temp-database.ts';

const warehouse = createTempDatabase(SINGERS);
const runner = createSqliteRunner();
afterAll(() => {
  runner.close();
  warehouse.remove();
});

const compare = (gold: string, pred: string, options = {}) =>
  compareQueries(runner.run, warehouse.file, gold, pred, options);

describe('execution match with test-suite semantics', () => {
  it('matches a prediction with the same rows in another order when the gold has no ORDER BY', async () => {
    const result = await compare(
      'SELECT name FROM singer WHERE country = "France"',
      "SELECT name FROM singer WHERE country = 'France' ORDER BY name",
    );
    expect(result).toMatchObject({ outcome: 'match', correct: true, orderMatters: false });
  });

  it('makes row order count when the gold says ORDER BY', async () => {
    const gold = 'SELECT name FROM singer ORDER BY age';
    expect((await compare(gold, 'SELECT name FROM singer ORDER BY age DESC')).outcome).toBe('mismatch');
    expect(await compare(gold, 'SELECT name FROM singer ORDER BY 0 - age DESC')).toMatchObject({
      outcome: 'match',
      orderMatters: true,
    });
  });

  it('accepts the requested columns in another order', async () => {
    const result = await compare('SELECT name, age FROM singer', 'SELECT age, name FROM singer');
    expect(result.correct).toBe(true);
  });

  it('removes DISTINCT from both queries unless told to keep it', async () => {
    const gold = 'SELECT country FROM singer';
    const pred = 'SELECT DISTINCT country FROM singer';
    expect(await compare(gold, pred)).toMatchObject({
      correct: true,
      predSql: 'SELECT  country FROM singer',
    });
    expect(await compare(gold, pred, { keepDistinct: true })).toMatchObject({ outcome: 'mismatch' });
    expect((await compare('SELECT count(DISTINCT country) FROM singer', 'SELECT 3')).correct).toBe(true);
  });

  it('reports a gold query that fails as an evaluation error, not a match', async () => {
    const result = await compare('SELECT nope FROM singer', 'SELECT name FROM singer');
    expect(result).toMatchObject({ outcome: 'gold_error', correct: false });
    expect(result.error?.message).toMatch(/no such column/);
  });

  it('scores a prediction that fails, or has no SQL, as wrong with its error', async () => {
    const failing = await compare('SELECT name FROM singer', 'SELECT nme FROM singer');
    expect(failing).toMatchObject({ outcome: 'pred_error', correct: false, error: { code: 'SQL_ERROR' } });
    expect(await compare('SELECT name FROM singer', '  ')).toMatchObject({
      outcome: 'pred_error',
      error: { code: 'SQL_EMPTY' },
    });
  });

  it('counts two empty results as a match', async () => {
    const result = await compare(
      "SELECT name FROM singer WHERE country = 'Peru'",
      'SELECT name FROM singer WHERE 0',
    );
    expect(result.correct).toBe(true);
  });

  it('reads " value " in a prediction as 1, as test-suite’s evaluate() does', async () => {
    const pred = 'SELECT name FROM singer WHERE singer_id = value ';
    expect((await compare('SELECT name FROM singer WHERE singer_id = 1', pred)).correct).toBe(true);
    const raw = await compare('SELECT name FROM singer WHERE singer_id = 1', pred, {
      replaceValuePlaceholder: false,
    });
    expect(raw.outcome).toBe('pred_error');
  });

  it('closes up split operators and runs only the first statement of a prediction', async () => {
    expect(
      (await compare('SELECT name FROM singer WHERE age >= 30', 'SELECT name FROM singer WHERE age > = 30'))
        .correct,
    ).toBe(true);
    expect((await compare('SELECT 1', 'SELECT 1; SELECT 2')).correct).toBe(true);
  });

  it('needs the prediction to agree on every database of a test suite', async () => {
    const other = createTempDatabase(`${SINGERS} DELETE FROM singer WHERE age > 40;`, 'other.sqlite');
    try {
      const files = [warehouse.file, other.file];
      expect(
        (await compareQueries(runner.run, files, 'SELECT count(*) FROM singer', 'SELECT 3')).outcome,
      ).toBe('mismatch');
      expect(
        (
          await compareQueries(
            runner.run,
            files,
            'SELECT count(*) FROM singer',
            'SELECT count(singer_id) FROM singer',
          )
        ).correct,
      ).toBe(true);
    } finally {
      other.remove();
    }
  });

  it('treats a prediction cut at the row cap as wrong and a cut gold as an evaluation error', async () => {
    const capped: RunSql = async (database, sql) => {
      const run = await runner.run(database, sql);
      return run.rows.length > 2 ? { ...run, rows: run.rows.slice(0, 2), truncated: true } : run;
    };
    const names = 'SELECT name FROM singer';
    expect(
      (await compareQueries(capped, warehouse.file, 'SELECT name FROM singer LIMIT 2', names)).outcome,
    ).toBe('mismatch');
    expect((await compareQueries(capped, warehouse.file, names, names)).outcome).toBe('gold_error');
  });
});
