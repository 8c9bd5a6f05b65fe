// sql.judge against sim-llm with scripted verdicts: the judge is a model name whose replay file maps
// each question to its reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import type { CostReport } from '../../../engine/node-cost.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import judge from '../../../nodes/sql/judge.node.ts';
import { buildJudgePrompt, findJudgeQuestion, parseJudgeAnswer } from '../../../nodes/sql/judge-prompt.ts';
import voteNode from '../../../nodes/sql/vote.node.ts';
import type { ExecutedCandidate, SchemaContext } from '../../../nodes/types.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { writeReplayFile } from '../../sim-llm/sim-fixtures.ts';
import { ranCandidate } from './vote-candidates.ts';

const schema: SchemaContext = {
  database: '/data/singers.sqlite',
  dialect: 'sqlite',
  ddl: 'CREATE TABLE singer (\n    name text,\n    age number\n);',
  tables: ['singer'],
  retrieval: [],
};

/** Four candidates that return Joe, three that return Ann and Joe, one that returns nothing. */
const closeCall: ExecutedCandidate[] = [
  ...[0, 1, 2, 3].map((i) => ranCandidate(i, 'SELECT name FROM singer WHERE age > 40', [['Joe']])),
  ...[4, 5, 6].map((i) => ranCandidate(i, 'SELECT name FROM singer', [['Ann'], ['Joe']])),
  ranCandidate(7, 'SELECT name FROM singer WHERE 0', []),
];
/** Seven for Joe, one for Ann and Joe. */
const clearMajority: ExecutedCandidate[] = [
  ...[0, 1, 2, 3, 4, 5, 6].map((i) => ranCandidate(i, 'SELECT name FROM singer WHERE age > 40', [['Joe']])),
  ranCandidate(7, 'SELECT name FROM singer', [['Ann'], ['Joe']]),
];

describe('the judge prompt and its answer format', () => {
  const prompt = buildJudgePrompt({
    question: 'Which singers are older than 40?',
    schema: schema.ddl,
    a: { sql: 'SELECT a', votes: 4, columns: ['name'], rows: [['Joe'], [null]], rowCount: 9 },
    b: { sql: 'SELECT b', votes: 1, columns: ['name'], rows: [], rowCount: 0 },
    previewRows: 2,
  });

  it('shows the question, the schema, both SQLs and the first rows, and asks for "Answer: A|B"', () => {
    expect(prompt).toContain(
      'Question:\nWhich singers are older than 40?\n\nDatabase schema:\nCREATE TABLE singer',
    );
    expect(prompt).toContain(
      'Candidate A (4 samples wrote it):\n```sql\nSELECT a\n```\nResult (2 of 9 rows):\nname\nJoe\nNULL',
    );
    expect(prompt).toContain('Candidate B (1 sample wrote it):\n```sql\nSELECT b\n```\nResult: no rows');
    expect(prompt).toMatch(/exactly "Answer: A" or "Answer: B"\.$/);
    expect(findJudgeQuestion(prompt)).toBe('Which singers are older than 40?');
    expect(findJudgeQuestion('Question:\nsomething else')).toBeNull();
  });

  it.each([
    ['Answer: A', 'A'],
    ['The first counts wrong rows.\nAnswer: B', 'B'],
    ['<think>Answer: A looks tempting, but</think>\nFinal answer is **B**', 'B'],
    ['B', 'B'],
    ['answer: A.', 'A'],
  ])('reads %j as %s', (reply, choice) => {
    expect(parseJudgeAnswer(reply)).toEqual({ choice });
  });

  it.each([
    ['Both are fine.', 'the reply has no "Answer: A" or "Answer: B"'],
    ['Answer: a query that joins', 'the reply has no "Answer: A" or "Answer: B"'],
    ['Answer: A\nWait, no. Answer: B', 'the reply answers both A and B'],
  ])('refuses %j', (reply, problem) => {
    expect(parseJudgeAnswer(reply)).toEqual({ problem });
  });
});

describe('sql.judge@1 with scripted verdicts from sim-llm', () => {
  const verdicts = writeReplayFile([
    { question: 'Which singers are older than 40?', responses: ['Candidate A filters on age.\nAnswer: B'] },
    { question: 'Who keeps the winner?', responses: ['Answer: A'] },
    { question: 'Who sings?', responses: ['I cannot decide between them.'] },
  ]);
  let sim: SimLlmServer;
  const pool = new ResourcePool();
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
  };
  const chatRequests = () => sim.metrics().httpRequests['/v1/chat/completions'] ?? 0;

  beforeAll(async () => {
    sim = await startSimLlm({ replays: [{ model: 'sql-judge', path: verdicts.path }] });
  });
  afterAll(async () => {
    await pool.disposeAll();
    await sim.close();
    verdicts.remove();
  });

  /** What the last judge run charged its ctx. */
  let charged: CostReport[] = [];

  async function voteThenJudge(question: string, candidates: ExecutedCandidate[], params = {}) {
    charged = [];
    const results = { database: schema.database, candidates };
    const vote = await voteNode.run({
      params: voteNode.params.parse({}),
      inputs: { results },
      ctx: createNodeContext(),
    });
    const judged = await judge.run({
      params: judge.params.parse({ baseUrl: sim.url, model: 'sql-judge', ...params }),
      inputs: {
        question,
        schema,
        results,
        clusters: vote.clusters,
        abstained: vote.abstained,
        ...(vote.reason === undefined ? {} : { reason: vote.reason }),
      },
      ctx: createNodeContext({
        resources: pool,
        settings: settingsFrom({}),
        logger,
        onCost: (report) => charged.push(report),
      }),
    });
    return { vote, judged };
  }

  it('on a close call asks the model, and its pick (the runner-up) answers in the vote’s shape', async () => {
    const before = chatRequests();
    const { vote, judged } = await voteThenJudge('Which singers are older than 40?', closeCall);
    expect(chatRequests()).toBe(before + 1);
    expect(vote.sql).toBe('SELECT name FROM singer WHERE age > 40');
    expect(judged.judged).toEqual({
      asked: true,
      choice: 'B',
      reason: '4 votes against 3: the judge picked the runner-up',
      raw: 'Candidate A filters on age.\nAnswer: B',
    });
    expect(judged).toMatchObject({
      sql: 'SELECT name FROM singer',
      rows: { columns: ['c0'], rows: [['Ann'], ['Joe']], truncated: false },
      abstained: false,
      confidence: 3 / 8,
      share: 3 / 8,
      margin: -1 / 8,
      valid: 8,
      clusterCount: 3,
    });
    expect(judged.clusters.map((cluster) => cluster.votes)).toEqual([3, 4, 1]);
    expect(judged.clusters[0]?.members).toEqual([4, 5, 6]);
    // The model call is charged to the node: sim-llm's usage for the one verdict.
    expect(charged).toHaveLength(1);
    expect(charged[0]!.tokensOut).toBe(Math.ceil('Candidate A filters on age.\nAnswer: B'.length / 4));
    expect(charged[0]!.tokensIn).toBeGreaterThan(0);
  });

  it('on a close call where the model keeps A, answers exactly as the vote did', async () => {
    const { vote, judged } = await voteThenJudge('Who keeps the winner?', closeCall);
    expect(judged.judged).toMatchObject({ asked: true, choice: 'A' });
    const { judged: _verdict, ...answer } = judged;
    expect(answer).toEqual(vote);
  });

  it('with a clear majority does not call the model at all', async () => {
    const before = chatRequests();
    // No verdict is scripted for this question: a call would fail the node.
    const { vote, judged } = await voteThenJudge('A question the judge never sees', clearMajority);
    expect(charged).toEqual([]);
    expect(chatRequests()).toBe(before);
    expect(judged.judged).toEqual({
      asked: false,
      choice: null,
      reason: 'clear majority: 7 votes against 1 (closeMargin 1)',
      raw: null,
    });
    expect(judged.sql).toBe(vote.sql);
  });

  it('a wider closeMargin asks on a clearer vote', async () => {
    const before = chatRequests();
    const { judged } = await voteThenJudge('Which singers are older than 40?', clearMajority, {
      closeMargin: 6,
    });
    expect(chatRequests()).toBe(before + 1);
    expect(judged.judged.choice).toBe('B');
  });

  it('on a reply without a verdict keeps the vote’s winner and warns why', async () => {
    warnings.length = 0;
    const { vote, judged } = await voteThenJudge('Who sings?', closeCall);
    expect(judged.sql).toBe(vote.sql);
    expect(judged.clusters).toEqual(vote.clusters);
    expect(judged.judged).toEqual({
      asked: true,
      choice: null,
      reason: `the reply has no "Answer: A" or "Answer: B"; kept the vote's winner`,
      raw: 'I cannot decide between them.',
    });
    expect(warnings).toEqual([
      `sql.judge: the reply has no "Answer: A" or "Answer: B"; kept the vote's winner`,
    ]);
  });

  it('names its model server like llm.generate: a connection or a baseUrl, not both', () => {
    expect(judge.params.parse({ connection: 'judge-server' })).toMatchObject({
      closeMargin: 1,
      previewRows: 5,
    });
    const both = judge.params.safeParse({ connection: 'judge-server', baseUrl: 'http://127.0.0.1:8000/v1' });
    expect(both.success ? [] : both.error.issues.map((issue) => issue.message)).toEqual([
      'give a connection or a baseUrl, not both',
    ]);
  });

  it('passes an abstained vote on without asking', async () => {
    const before = chatRequests();
    const results = { database: schema.database, candidates: closeCall };
    const vote = await voteNode.run({
      params: voteNode.params.parse({ abstainBelow: 0.9 }),
      inputs: { results },
      ctx: createNodeContext(),
    });
    const judged = await judge.run({
      params: judge.params.parse({ baseUrl: sim.url, model: 'sql-judge' }),
      inputs: {
        question: 'Who sings?',
        results,
        clusters: vote.clusters,
        abstained: true,
        reason: vote.reason!,
      },
      ctx: createNodeContext({ resources: pool, settings: settingsFrom({}) }),
    });
    expect(chatRequests()).toBe(before);
    expect(judged).toMatchObject({
      abstained: true,
      reason: vote.reason,
      judged: { asked: false, choice: null },
    });
    expect(judged.sql).toBeUndefined();
  });
});
