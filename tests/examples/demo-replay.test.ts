import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';

const REPLAY_DIR = join(import.meta.dirname, '..', '..', 'examples', 'replay');
const [header, ...lines] = readFileSync(join(REPLAY_DIR, 'demo.jsonl'), 'utf8').trimEnd().split('\n');
const questions = lines.map(
  (line) => JSON.parse(line) as { db_id: string; question: string; follows?: string; responses: string[] },
);
const gold = JSON.parse(readFileSync(join(REPLAY_DIR, 'demo-gold.json'), 'utf8')) as {
  question: string;
  follows?: string;
  gold_sql: string;
}[];

type Outcome = { status: 'no-sql' } | { status: 'error'; message: string } | { status: 'ok'; key: string };

const temp = makeTempDir('demo-replay');
let db: Database.Database;

beforeAll(() => {
  const path = join(temp.dir, 'warehouse.sqlite');
  buildDemoWarehouse(path);
  db = new Database(path, { readonly: true });
});

afterAll(() => {
  db.close();
  temp.cleanup();
});

/** SQL-R1's extraction: the last ```sql block of the whole response. */
function lastSqlBlock(response: string): string | undefined {
  return [...response.matchAll(/```sql\s*(.*?)\s*```/gs)].at(-1)?.[1];
}

/** The vote key: the result as a set of rows (order and duplicates ignored, column order kept). */
function run(sql: string | undefined): Outcome {
  if (!sql) return { status: 'no-sql' };
  try {
    const rows = db.prepare(sql).raw(true).all() as unknown[][];
    return { status: 'ok', key: [...new Set(rows.map((row) => JSON.stringify(row)))].sort().join('\n') };
  } catch (error) {
    return { status: 'error', message: (error as Error).message };
  }
}

/** Most votes wins, ties to the group seen first; failed and SQL-less candidates do not vote. */
function vote(outcomes: Outcome[]): { key: string; votes: number } | undefined {
  const groups = new Map<string, number>();
  for (const outcome of outcomes)
    if (outcome.status === 'ok') groups.set(outcome.key, (groups.get(outcome.key) ?? 0) + 1);
  let best: { key: string; votes: number } | undefined;
  for (const [key, votes] of groups) if (!best || votes > best.votes) best = { key, votes };
  return best;
}

describe('the scripted demo replay', () => {
  it('says in its first line that it was written by hand', () => {
    expect(JSON.parse(header ?? '{}')._comment).toMatch(
      /^Scripted responses for the r1flow demo, written by hand, not recorded from a model\./,
    );
  });

  it('has about twenty distinct warehouse questions with eight SQL-R1-format responses each, and their gold SQL', () => {
    expect(questions.length).toBeGreaterThanOrEqual(18);
    expect(new Set(questions.map((q) => q.question)).size).toBe(questions.length);
    expect(gold.map((g) => [g.question, g.follows])).toEqual(questions.map((q) => [q.question, q.follows]));
    for (const { db_id, responses } of questions) {
      expect(db_id).toBe('warehouse');
      expect(responses).toHaveLength(8);
      for (const response of responses) {
        expect(response).toMatch(/^<think>\n[\s\S]+\n<\/think>\n<answer>\n[\s\S]+\n<\/answer>$/);
        for (const tag of ['<think>', '</think>', '<answer>', '</answer>'])
          expect(response.split(tag)).toHaveLength(2);
      }
    }
  });

  it('has follow-ups, each after a question recorded before it', () => {
    const followUps = questions.filter((q) => q.follows !== undefined);
    expect(followUps.map((q) => [q.follows, q.question])).toEqual([
      ['How many orders were placed?', 'and only for 2023?'],
      ['and only for 2023?', 'and what about 2024?'],
    ]);
    for (const followUp of followUps) {
      const at = questions.indexOf(followUp);
      expect(questions.slice(0, at).map((q) => q.question)).toContain(followUp.follows);
      // A follow-up narrows or changes the answer: its gold result is not the one it follows.
      const goldOf = (question: string | undefined) =>
        run(gold.find((g) => g.question === question)?.gold_sql);
      expect(goldOf(followUp.question)).not.toEqual(goldOf(followUp.follows));
    }
  });

  it("every question's majority answer on a fresh demo warehouse is the gold answer", () => {
    questions.forEach(({ question, responses }, index) => {
      const expected = run(gold[index]?.gold_sql);
      expect(expected.status, question).toBe('ok');
      const winner = vote(responses.map((response) => run(lastSqlBlock(response))));
      expect(winner?.key, question).toBe(expected.status === 'ok' ? expected.key : undefined);
    });
  });

  it('is realistic for voting: mostly agreement, some wrong variants, a failing query, a response with no SQL, a split vote', () => {
    const outcomes = questions.map(({ responses }) =>
      responses.map((response) => run(lastSqlBlock(response))),
    );
    const confidences = outcomes.map((candidates) => (vote(candidates)?.votes ?? 0) / candidates.length);
    expect(confidences.filter((c) => c >= 5 / 8).length).toBeGreaterThanOrEqual(15);
    expect(confidences.filter((c) => c < 1).length).toBeGreaterThanOrEqual(15);
    expect(Math.min(...confidences)).toBeLessThanOrEqual(0.4);
    expect(outcomes.flat().filter((o) => o.status === 'no-sql').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.flat().filter((o) => o.status === 'error').length).toBeGreaterThanOrEqual(1);
  });
});
