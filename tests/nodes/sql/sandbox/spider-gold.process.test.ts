// Every gold query of the Spider dev subset runs in the sandbox: 213 of them compare with
// double-quoted strings (SQLR1.md §10), 69 use INTERSECT/EXCEPT.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { SqlSandboxPool } from '../../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { SPIDER_DEV_DIR } from '../../../support/datasets.ts';

const DATASET = SPIDER_DEV_DIR;

interface Question {
  question_id: number;
  db_id: string;
  gold_sql: string;
}

describe.runIf(existsSync(join(DATASET, 'questions.json')))('Spider dev gold queries', () => {
  test('all 499 gold queries run with status ok through the pool', async () => {
    const questions = JSON.parse(readFileSync(join(DATASET, 'questions.json'), 'utf8')) as Question[];
    const pool = new SqlSandboxPool();
    await pool.whenReady();
    const started = performance.now();
    const outcomes = await Promise.all(
      questions.map((question) =>
        pool.execute({
          database: join(DATASET, 'databases', question.db_id, `${question.db_id}.sqlite`),
          sql: question.gold_sql,
          timeoutMs: 10_000,
          maxRows: 1000,
        }),
      ),
    ).finally(() => pool.close());
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${questions.length} Spider gold queries in ${seconds.toFixed(2)} s (pool size ${pool.options.size})`,
    );
    const failed = outcomes
      .map((outcome, i) => ({ id: questions[i]?.question_id, status: outcome.status, error: outcome.error }))
      .filter((result) => result.status !== 'ok');
    expect(failed).toEqual([]);
    expect(questions).toHaveLength(499);
  });
});
