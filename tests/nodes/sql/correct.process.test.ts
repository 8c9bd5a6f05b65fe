// sql.correct@1 for real: the SQL sandbox (child processes) on a temp SQLite warehouse, sim-llm on
// 127.0.0.1 playing scripted corrections, and sql.vote on what comes out.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProgress } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { CORRECTION_HEADER } from '../../../nodes/llm/correction-prompt.ts';
import correctNode from '../../../nodes/sql/correct.node.ts';
import voteNode from '../../../nodes/sql/vote.node.ts';
import {
  type CorrectionAttempt,
  CorrectionAttemptSchema,
  type ExecutionResults,
  ExecutionResultsSchema,
  type SchemaContext,
} from '../../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { answerWith, writeReplayFile } from '../../sim-llm/sim-fixtures.ts';
import { candidate, executeFixture, runExecuteNode } from './execute-node-harness.ts';

const FIXED = 'How many singers are there?';
const HOPELESS = 'Which singers earn the most?';
const UNRECORDED_CORRECTION = 'What is the oldest song?';

const replay = writeReplayFile([
  {
    question: FIXED,
    responses: [answerWith('SELECT count(*) FROM singers')],
    corrections: [
      answerWith('SELECT count(*) FROM singer'),
      answerWith('SELECT count(singer_id) FROM singer'),
    ],
  },
  {
    question: HOPELESS,
    responses: [answerWith('SELECT name FROM pay')],
    corrections: [answerWith('SELECT amount FROM salary'), 'I cannot write this query.'],
  },
]);

const fixture = executeFixture();
let sim: SimLlmServer;
beforeAll(async () => {
  sim = await startSimLlm({ replayPath: replay.path });
});
afterAll(async () => {
  await sim.close();
  replay.remove();
});

const completions = () => sim.metrics().httpRequests['/v1/completions'] ?? 0;
const correctionPrompts = () => sim.recentPrompts().filter((prompt) => prompt.includes(CORRECTION_HEADER));

function schemaContext(): SchemaContext {
  return {
    database: fixture.warehouse.path,
    dialect: 'sqlite',
    ddl: 'CREATE TABLE singer (\n    singer_id number,\n    name text\n);',
    tables: ['singer'],
    retrieval: [],
  };
}

/** sql.execute's results for these SQL texts (null: a sample without SQL). */
async function executed(sqls: (string | null)[]): Promise<ExecutionResults> {
  const { results } = await runExecuteNode({
    resources: fixture.resources,
    database: fixture.warehouse.path,
    candidates: sqls.map((sql, i) => candidate(i, sql)),
  });
  return results;
}

async function correct(
  question: string,
  results: ExecutionResults,
  params: Record<string, unknown> = {},
  options: { signal?: AbortSignal; onProgress?: (update: NodeProgress) => void } = {},
) {
  const progress: NodeProgress[] = [];
  const ctx = createNodeContext({
    resources: fixture.resources,
    settings: settingsFrom({ [DATA_DIR_ENV]: dirname(fixture.warehouse.path) }),
    onProgress: (update) => {
      progress.push(update);
      options.onProgress?.(update);
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const outputs = await correctNode.run({
    params: correctNode.params.parse({ baseUrl: sim.url, n: 2, ...params }),
    inputs: { results, question, schema: schemaContext() },
    ctx,
  });
  return {
    results: ExecutionResultsSchema.parse(outputs.results),
    corrections: CorrectionAttemptSchema.array().parse(outputs.corrections) as CorrectionAttempt[],
    progress,
  };
}

async function vote(results: ExecutionResults) {
  return voteNode.run({
    params: voteNode.params.parse({ preset: 'r1flow' }),
    inputs: { results },
    ctx: createNodeContext(),
  });
}

describe('sql.correct@1', () => {
  it('re-asks the model with the failed queries and their errors; the corrected SQL runs and the vote answers', async () => {
    const first = await executed(['SELECT count(*) FROM singers', null]);
    expect(first.candidates.map((c) => c.status)).toEqual(['error', 'empty']);
    const seen = correctionPrompts().length;

    const { results, corrections, progress } = await correct(FIXED, first);

    const asked = correctionPrompts().slice(seen);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(`Question:\n${FIXED}\n`);
    expect(asked[0]).toContain('```sql\nSELECT count(*) FROM singers\n```\nError: error: ');
    expect(asked[0]).toContain(first.candidates[0]?.error?.message);
    expect(asked[0]).toContain('1 of the answers had no SQL query');

    // The originals stay first; the corrected ones are numbered after them.
    expect(results.candidates.map((c) => [c.index, c.status])).toEqual([
      [0, 'error'],
      [1, 'empty'],
      [2, 'ok'],
      [3, 'ok'],
    ]);
    expect(results.candidates[2]?.rows).toEqual([[3]]);
    expect(corrections).toEqual([
      expect.objectContaining({ attempt: 1, candidates: [2, 3], statuses: ['ok', 'ok'] }),
    ]);
    expect(corrections[0]?.promptTokens).toBeGreaterThan(0);
    expect(progress.map((p) => p.message)).toEqual([
      'correction 1 of 2: asking again with 2 failed candidates',
      'correction 1: 2 of 2 new candidates ran',
    ]);

    const answer = await vote(results);
    expect(answer.abstained).toBe(false);
    expect(answer.sql).toBe('SELECT count(*) FROM singer');
    expect(answer.rows?.rows).toEqual([[3]]);
    expect(answer.share).toBe(1);
    expect(answer.confidence).toBe(0.5);
  });

  it('stops after maxAttempts with every failure and every round recorded, without failing', async () => {
    const first = await executed(['SELECT name FROM pay']);
    const seen = correctionPrompts().length;

    const { results, corrections } = await correct(HOPELESS, first, {
      maxAttempts: 3,
      allowedTables: ['singer'],
    });

    expect(corrections.map((c) => [c.attempt, c.candidates, c.statuses])).toEqual([
      [1, [1, 2], ['forbidden', 'empty']],
      [2, [3, 4], ['forbidden', 'empty']],
      [3, [5, 6], ['forbidden', 'empty']],
    ]);
    expect(results.candidates).toHaveLength(7);
    expect(results.candidates.some((c) => c.status === 'ok')).toBe(false);
    // Each round shows the failures so far; a query tried twice is shown once.
    const asked = correctionPrompts().slice(seen);
    expect(asked).toHaveLength(3);
    expect(asked[0]).toContain('SELECT name FROM pay');
    expect(asked[0]).not.toContain('SELECT amount FROM salary');
    expect(asked[2]?.split('SELECT amount FROM salary')).toHaveLength(2);
    expect(asked[2]).toContain('2 of the answers had no SQL query');

    const answer = await vote(results);
    expect(answer.abstained).toBe(true);
    expect(answer.reason).toContain('none of the 7 candidates ran');
  });

  it('passes the results through without a model call when a candidate ran, even with no rows', async () => {
    const first = await executed([
      'SELECT nope FROM singer',
      "SELECT name FROM singer WHERE country = 'Mars'",
    ]);
    expect(first.candidates[1]).toMatchObject({ status: 'ok', rows: [] });
    const before = completions();
    const { results, corrections } = await correct(FIXED, first);
    expect(completions()).toBe(before);
    expect(results).toEqual(first);
    expect(corrections).toEqual([]);
  });

  it("is off under preset sql-r1: SQL-R1's pipeline has no correction", async () => {
    const first = await executed(['SELECT count(*) FROM singers']);
    const before = completions();
    const { results, corrections } = await correct(FIXED, first, { preset: 'sql-r1' });
    expect(completions()).toBe(before);
    expect(results).toEqual(first);
    expect(corrections).toEqual([]);
  });

  it('records a model server error and stops correcting, without failing', async () => {
    const first = await executed(['SELECT 1 FROM nowhere']);
    const { results, corrections } = await correct(UNRECORDED_CORRECTION, first);
    // sim-llm has no recording of this question: it answers 404, correction stops, nothing fails.
    expect(results).toEqual(first);
    expect(corrections).toEqual([expect.objectContaining({ attempt: 1, candidates: [], statuses: [] })]);
    expect(corrections[0]?.error?.message).toContain(UNRECORDED_CORRECTION);
  });

  it('stops when the run is cancelled between correction rounds', async () => {
    const first = await executed(['SELECT name FROM pay']);
    const controller = new AbortController();
    const before = completions();
    const cancel = new R1flowError('NODE_CANCELLED', 'node was cancelled');
    const run = correct(
      HOPELESS,
      first,
      { maxAttempts: 5, allowedTables: ['singer'] },
      {
        signal: controller.signal,
        onProgress: (update) => {
          if (update.message?.startsWith('correction 2 of 5')) controller.abort(cancel);
        },
      },
    );
    await expect(run).rejects.toBe(cancel);
    // Round 1 asked the model; round 2 never reached it, and no round after it ran.
    expect(completions()).toBe(before + 1);
  });
});
