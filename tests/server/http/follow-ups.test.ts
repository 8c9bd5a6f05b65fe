// Follow-up questions over HTTP: POST a run with followUpOf or threadId, list a thread's runs, the
// errors a caller can act on, and a webhook follow-up named in a header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders as signed } from '../../security/signed-call.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

/** Answers each question with `SELECT 1`; `seen` shows the history its trigger passed on. */
function askFlow(id: string, trigger: [string, Record<string, unknown>]) {
  return flowOf(
    {
      start: [trigger[0], { ...trigger[1], fields: [{ name: 'question' }] }],
      table: ['test.table', { columns: ['n'], rows: [[1]], sql: 'SELECT 1' }],
      seen: ['test.step'],
      answer: ['output.answer'],
    },
    [
      'start.question->answer.question',
      'table.rows->answer.rows',
      'table.sql->answer.sql',
      'start.history->seen.in',
    ],
    id,
  );
}

let h: ServerHarness;
let secret: string;
beforeAll(async () => {
  h = await startTestServer();
  for (const id of ['ask', 'other']) {
    expect(
      (await h.api('/api/flows', { method: 'POST', json: askFlow(id, ['trigger.manual', {}]) })).status,
    ).toBe(201);
  }
  const hook = await h.api('/api/flows', {
    method: 'POST',
    json: askFlow('hooked', ['trigger.webhook', { path: 'ask-more' }]),
  });
  secret = hook.body.newSecrets[0].secret;
});
afterAll(async () => {
  await h.close();
});

async function ask(question: string, extra: Record<string, unknown> = {}, flow = 'ask') {
  const response = await h.api(`/api/flows/${flow}/runs?wait=20s`, {
    method: 'POST',
    json: { input: { question }, ...extra },
  });
  return response;
}

describe('follow-up runs over the API', () => {
  it('followUpOf and threadId add turns to one thread; GET /api/runs?threadId= lists them newest first', async () => {
    const first = await ask('How many orders were placed?');
    expect(first.status).toBe(200);
    expect(first.body.run.threadId).toBeNull();

    const second = await ask('and only for 2023?', { followUpOf: first.body.run.id });
    expect(second.status).toBe(200);
    const threadId = first.body.run.id;
    expect(second.body.run).toMatchObject({
      status: 'succeeded',
      threadId,
      input: {
        question: 'and only for 2023?',
        history: [{ question: 'How many orders were placed?', sql: 'SELECT 1' }],
      },
    });
    const third = await ask('and what about 2024?', { threadId });
    expect(third.body.run.input.history).toHaveLength(2);

    const listed = await h.api(`/api/runs?threadId=${threadId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.runs.map((run: { id: string }) => run.id)).toEqual([
      third.body.run.id,
      second.body.run.id,
      threadId,
    ]);
    const details = await h.api(`/api/runs/${third.body.run.id}`);
    const seen = details.body.nodes.find((node: { nodeId: string }) => node.nodeId === 'seen');
    expect(seen.output.out.in.map((turn: { question: string }) => turn.question)).toEqual([
      'How many orders were placed?',
      'and only for 2023?',
    ]);
  });

  it('answers an unknown thread or run 404, a thread of another flow 409, a written history 400', async () => {
    const first = await ask('How many?');
    const unknownThread = await ask('x', { threadId: 'r-nope' });
    expect(unknownThread.status).toBe(404);
    expect(unknownThread.body.error).toMatchObject({ code: 'THREAD_NOT_FOUND' });
    expect(unknownThread.body.error.message).toContain('no thread "r-nope"');

    const unknownRun = await ask('x', { followUpOf: 'r-gone' });
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body.error).toEqual({ code: 'RUN_NOT_FOUND', message: 'no run "r-gone" to follow up' });

    const otherFlow = await ask('x', { followUpOf: first.body.run.id }, 'other');
    expect(otherFlow.status).toBe(409);
    expect(otherFlow.body.error.code).toBe('THREAD_OTHER_FLOW');

    const written = await h.api('/api/flows/ask/runs', {
      method: 'POST',
      json: { input: { question: 'x', history: [] } },
    });
    expect(written.status).toBe(400);
    expect(written.body.error.code).toBe('RUN_BAD_INPUT');

    const both = await ask('x', { followUpOf: first.body.run.id, threadId: first.body.run.id });
    expect(both.status).toBe(400);
    expect((await h.api(`/api/runs/${first.body.run.id}`)).body.run.threadId).toBeNull();
  });

  it('a webhook call follows up a run named in X-R1flow-Follow-Up-Of, or a thread in X-R1flow-Thread-Id', async () => {
    const call = async (question: string, headers: Record<string, string>) => {
      const body = JSON.stringify({ question });
      const response = await fetch(`${h.url}/hooks/ask-more`, {
        method: 'POST',
        headers: { ...signed(secret, body), ...headers },
        body,
      });
      return {
        status: response.status,
        json: (await response.json()) as { runId: string; error?: { code: string } },
      };
    };
    const first = await call('How many orders were placed?', {});
    expect(first.status).toBe(202);
    await h.runtime.orchestrator.waitForRun(first.json.runId, 10_000);

    const second = await call('and only for 2023?', { 'x-r1flow-follow-up-of': first.json.runId });
    expect(second.status).toBe(202);
    const { run } = await h.runtime.orchestrator.waitForRun(second.json.runId, 10_000);
    expect(run).toMatchObject({
      status: 'succeeded',
      threadId: first.json.runId,
      input: { history: [{ question: 'How many orders were placed?', sql: 'SELECT 1' }] },
    });

    const third = await call('and in 2024?', { 'x-r1flow-thread-id': first.json.runId });
    expect(third.status).toBe(202);
    expect((await h.runtime.store.getRunRecord(third.json.runId))?.threadId).toBe(first.json.runId);

    const missing = await call('and in 2025?', { 'x-r1flow-thread-id': 'r-nope' });
    expect(missing.status).toBe(404);
    expect(missing.json.error?.code).toBe('THREAD_NOT_FOUND');
  });
});
