import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareQueries } from '../../eval/scoring/compare-queries.ts';
import { spiderHardness } from '../../eval/spider-sql/hardness.ts';
import { loadSpiderSchemas } from '../../eval/spider-sql/spider-schema.ts';
import { voteOnResults } from '../../nodes/sql/vote-on-results.ts';
import type { ExecutedCandidate } from '../../nodes/types.ts';
import { databaseFile, loadQuestions, loadReplaySql, SPIDER_DEV_DIR } from './support/spider-dev.ts';
import { createSqliteRunner } from './support/sqlite-runner.ts';

const questions = loadQuestions();
const replay = loadReplaySql();
const schemas = loadSpiderSchemas(join(SPIDER_DEV_DIR, 'tables.json'));
const runner = createSqliteRunner();
afterAll(() => runner.close());

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

function hardnessOrNull(sql: string, dbId: string): string | null {
  try {
    return spiderHardness(sql, schemas.get(dbId)!);
  } catch {
    return null;
  }
}

const percent = (count: number) => Number(((100 * count) / questions.length).toFixed(2));

describe('Spider dev (499 questions)', () => {
  // spider-dev-hardness.json: Spider's eval_hardness on the `sql` parse in Spider's own dev.json.
  it('parses every gold query and grades it as Spider does: 119 easy, 222 medium, 88 hard, 70 extra', () => {
    const labels = fixture<Record<string, string>>('spider-dev-hardness.json');
    const levels = questions.map((q) => hardnessOrNull(q.gold_sql, q.db_id));
    expect(levels).toEqual(questions.map((q) => labels[q.question_id]));
    const counts = Object.fromEntries(
      ['easy', 'medium', 'hard', 'extra'].map((l) => [l, levels.filter((x) => x === l).length]),
    );
    expect(counts).toEqual({ easy: 119, medium: 222, hard: 88, extra: 70 });
  });

  // spider-dev-replay-hardness.json: Spider's process_sql.get_sql + eval_hardness run in Python on
  // each recorded answer (null where Spider's parser raises).
  it('accepts, rejects and grades the 3,992 recorded model answers as Spider’s Python parser does', () => {
    const expected = fixture<Record<string, (string | null)[]>>('spider-dev-replay-hardness.json');
    const graded = questions.map((q, i) => replay[i]!.map((sql) => hardnessOrNull(sql, q.db_id)));
    expect(graded).toEqual(questions.map((q) => expected[q.question_id]));
    expect(graded.flat().filter((level) => level === null)).toHaveLength(167);
  });

  it('scores every gold query against itself as correct', async () => {
    const outcomes = await Promise.all(
      questions.map((q) => compareQueries(runner.run, databaseFile(q.db_id), q.gold_sql, q.gold_sql)),
    );
    expect(outcomes.filter((outcome) => !outcome.correct)).toEqual([]);
  });

  // The table in spider-dev/README.md, computed there with Python's sqlite3 and test-suite.
  it('reproduces the eight recorded systems’ execution accuracy and the 92.99 of voting over them', async () => {
    const correct = Array<number>(8).fill(0);
    let voteCorrect = 0;
    let anyCorrect = 0;
    for (const [i, q] of questions.entries()) {
      const database = databaseFile(q.db_id);
      const answers = replay[i]!;
      const scores = await Promise.all(
        answers.map((sql) => compareQueries(runner.run, database, q.gold_sql, sql)),
      );
      scores.forEach((score, system) => {
        if (score.correct) correct[system]! += 1;
      });
      if (scores.some((score) => score.correct)) anyCorrect += 1;

      const executed = await Promise.all(
        answers.map(async (sql, index): Promise<ExecutedCandidate> => {
          const run = await runner.run(database, sql);
          const rows = run.rows.map((row) => [...row]);
          return {
            index,
            sql,
            status: run.status,
            columns: [],
            rows,
            rowCount: rows.length,
            truncated: false,
            durationMs: 0,
          };
        }),
      );
      const answer = voteOnResults(executed).answer;
      if (answer?.sql && (await compareQueries(runner.run, database, q.gold_sql, answer.sql)).correct)
        voteCorrect += 1;
    }
    expect(correct.map(percent)).toEqual([81.96, 89.18, 89.78, 88.38, 85.97, 91.18, 86.77, 86.77]);
    expect(percent(voteCorrect)).toBe(92.99);
    expect(percent(anyCorrect)).toBe(98);
  }, 120_000);
});
