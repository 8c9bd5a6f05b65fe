// The feedback routes' answers for runs and feedback that do not qualify. The whole loop, with
// SQL run on a warehouse, is tests/e2e/feedback-loop.process.test.ts.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { searchExamplesIndex } from '../../../nodes/examples/examples-index.ts';
import { examplesIndexPath } from '../../../nodes/examples/examples-location.ts';
import { makeTempDir } from '../../nodes/schema/spider-files.ts';
import { waitFor } from '../../support/cli.ts';
import { flowOf } from '../../support/engine-harness.ts';
import { type ServerHarness, startTestServer } from '../../support/server-harness.ts';

let h: ServerHarness;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await h.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// An answer without a warehouse: test.table emits SQL and rows, no schema context.
const answerFlow = (id: string, sql?: string) =>
  flowOf(
    {
      t: ['trigger.manual', { fields: [{ name: 'q' }] }],
      table: ['test.table', { ...(sql ? { sql } : {}), columns: ['n'], rows: [[3]] }],
      out: ['output.answer'],
    },
    ['t.payload->table.in', 't.q->out.question', 'table.rows->out.rows', 'table.sql->out.sql'],
    id,
  );

async function answeredRun(flow: ReturnType<typeof flowOf>): Promise<string> {
  expect((await h.api('/api/flows', { method: 'POST', json: flow })).status).toBe(201);
  const started = await h.api(`/api/flows/${flow.id}/runs?wait=10s`, {
    method: 'POST',
    json: { input: { q: 'How many?' } },
  });
  expect(started.body.run.status).toBe('succeeded');
  return started.body.run.id;
}

describe('POST /api/runs/:id/feedback', () => {
  it('records the question and chosen SQL from the run, and refuses runs without an answer', async () => {
    h = await startTestServer();
    const runId = await answeredRun(answerFlow('answers', 'SELECT 3'));
    const up = await h.api(`/api/runs/${runId}/feedback`, {
      method: 'POST',
      json: { rating: 'up', comment: ' ' },
    });
    expect(up.status).toBe(201);
    expect(up.body.feedback).toMatchObject({
      runId,
      rating: 'up',
      question: 'How many?',
      chosenSql: 'SELECT 3',
      correctedSql: null,
      comment: null,
      warehouse: null,
      state: 'pending',
    });

    const unknown = await h.api('/api/runs/r_nope/feedback', { method: 'POST', json: { rating: 'up' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'RUN_NOT_FOUND', message: 'no run "r_nope"' });
    const abstained = await answeredRun(answerFlow('abstains'));
    const refused = await h.api(`/api/runs/${abstained}/feedback`, {
      method: 'POST',
      json: { rating: 'down' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RUN_NO_ANSWER');
    const bad = await h.api(`/api/runs/${runId}/feedback`, { method: 'POST', json: { rating: 'meh' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.rating');
    expect((await h.api('/api/feedback')).body.feedback).toHaveLength(1);
  });
});

describe('POST /api/feedback/:id/review', () => {
  it('rejects once, refuses a second review, and cannot verify what has no SQL or no warehouse', async () => {
    h = await startTestServer();
    const runId = await answeredRun(answerFlow('answers', 'SELECT 3'));
    const feedback = async (json: object) =>
      (await h.api(`/api/runs/${runId}/feedback`, { method: 'POST', json })).body.feedback.id as string;

    const rejected = await feedback({ rating: 'up' });
    const review = (id: string, json: object) =>
      h.api(`/api/feedback/${id}/review`, { method: 'POST', json });
    expect((await review(rejected, { accept: false })).body.feedback.state).toBe('rejected');
    const again = await review(rejected, { accept: true });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'FEEDBACK_ALREADY_REVIEWED' });

    const downWithoutSql = await feedback({ rating: 'down' });
    const noSql = await review(downWithoutSql, { accept: true });
    expect(noSql.status).toBe(422);
    expect(noSql.body.error.message).toContain('down-vote without corrected SQL');
    const noWarehouse = await review(downWithoutSql, { accept: true, sql: 'SELECT 4' });
    expect(noWarehouse.status).toBe(422);
    expect(noWarehouse.body.error.message).toContain('names no warehouse');

    expect((await review('fb_nope', { accept: false })).body.error.code).toBe('FEEDBACK_NOT_FOUND');
    expect(
      (await h.api('/api/feedback?state=pending')).body.feedback.map((f: { id: string }) => f.id),
    ).toEqual([downWithoutSql]);
    expect((await h.api('/api/examples')).body.examples).toEqual([]);
    const missing = await h.api('/api/examples/ex_nope', { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('EXAMPLE_NOT_FOUND');
  });
});

describe('examples indexes at start', () => {
  it('are written again for every warehouse with examples, so a lost index file comes back', async () => {
    const temp = makeTempDir('feedback-start');
    cleanups.push(temp.cleanup);
    h = await startTestServer({ dir: temp.dir });
    const example = await h.runtime.store.examples.insert({
      warehouse: 'connection:sales',
      question: 'How many orders?',
      sql: 'SELECT count(*) FROM orders',
      feedbackId: null,
    });
    const path = examplesIndexPath(example.warehouse, h.runtime.settings.setting);
    expect(existsSync(path)).toBe(false);
    await h.close();

    h = await startTestServer({ dir: temp.dir });
    await waitFor(() => existsSync(path), 10_000, 'the rebuilt examples index');
    const found = await searchExamplesIndex(path, 'how many orders', { k: 3, fusionK: 60 });
    expect(found.map((hit) => hit.sql)).toEqual([example.sql]);
  });
});
