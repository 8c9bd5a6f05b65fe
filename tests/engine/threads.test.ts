// Follow-up runs: a run joins a thread (named, or the thread of the run it follows up), and the
// thread's earlier answered turns go into its stored input as `history`, reaching nodes through
// the trigger's `history` port.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../engine/errors.ts';
import type { FlowDocumentInput } from '../../engine/flow-schema.ts';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { MAX_HISTORY_TURNS, turnOf } from '../../engine/thread-turns.ts';
import { createHarness, type Harness } from '../support/engine-harness.ts';

/** Answers every question with `SELECT '<question>'`; `seen` shows the history the trigger passed on. */
const askFlow = (id = 'ask', sql = true): FlowDocumentInput => ({
  id,
  name: id,
  nodes: [
    {
      id: 'start',
      type: 'trigger.manual@1',
      params: { fields: [{ name: 'question', type: 'string' }] },
    },
    {
      id: 'table',
      type: 'test.table@1',
      params: { columns: ['n'], rows: [[1]], ...(sql ? { sql: 'SELECT 1' } : {}) },
    },
    { id: 'seen', type: 'test.step@1', params: {} },
    { id: 'answer', type: 'output.answer@1', params: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'start', port: 'question' }, to: { node: 'answer', port: 'question' } },
    { id: 'e2', from: { node: 'table', port: 'rows' }, to: { node: 'answer', port: 'rows' } },
    { id: 'e3', from: { node: 'table', port: 'sql' }, to: { node: 'answer', port: 'sql' } },
    { id: 'e4', from: { node: 'start', port: 'history' }, to: { node: 'seen', port: 'in' } },
  ],
});

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  for (const flow of [askFlow('ask'), askFlow('other'), askFlow('abstains', false)]) {
    await h.store.saveFlow(FlowDocumentSchema.parse(flow));
  }
});
afterEach(async () => {
  await h.close();
});

async function ask(question: string, extra: { threadId?: string; followUpOf?: string } = {}, flowId = 'ask') {
  const run = await h.orchestrator.startRun({ flowId, input: { question }, ...extra });
  const stored = await h.finished(run.id);
  expect(stored?.run.status).toBe('succeeded');
  return stored!;
}

async function refused(request: Promise<unknown>): Promise<R1flowError> {
  const error = await request.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(R1flowError);
  return error as R1flowError;
}

/** The history the `seen` node received; it is skipped when the trigger emitted none. */
function seenHistory(stored: Awaited<ReturnType<typeof ask>>): unknown {
  const seen = stored.nodes.find((node) => node.nodeId === 'seen')!;
  return seen.status === 'skipped' ? null : (seen.output as { out: { in: unknown } }).out.in;
}

describe('threads of runs', () => {
  it('a follow-up starts a thread named after the first run and carries its question and SQL', async () => {
    const first = await ask('How many orders were placed?');
    expect(first.run.threadId).toBeNull();
    expect(seenHistory(first)).toBeNull();

    const second = await ask('and only for 2023?', { followUpOf: first.run.id });
    expect(second.run.threadId).toBe(first.run.id);
    expect((await h.store.getRunRecord(first.run.id))?.threadId).toBe(first.run.id);
    const turn1 = { question: 'How many orders were placed?', sql: 'SELECT 1' };
    expect(second.run.input).toEqual({ question: 'and only for 2023?', history: [turn1] });
    expect(seenHistory(second)).toEqual([turn1]);

    // Following up the second run, or naming the thread, adds to the same thread.
    const third = await ask('and what about 2024?', { followUpOf: second.run.id });
    const fourth = await ask('and in total?', { threadId: first.run.id });
    expect([third.run.threadId, fourth.run.threadId]).toEqual([first.run.id, first.run.id]);
    const turn2 = { question: 'and only for 2023?', sql: 'SELECT 1' };
    const turn3 = { question: 'and what about 2024?', sql: 'SELECT 1' };
    expect(third.run.input).toMatchObject({ history: [turn1, turn2] });
    expect(fourth.run.input).toMatchObject({ history: [turn1, turn2, turn3] });

    const listed = await h.store.listRuns({ threadId: first.run.id });
    expect(listed.map((run) => run.id)).toEqual([fourth, third, second, first].map((s) => s.run.id));
  });

  it('a turn without an answer is left out of the history, and a re-run keeps its history outside the thread', async () => {
    const first = await ask('Which region?', {}, 'abstains');
    expect(turnOf(first.run)).toBeNull();
    const second = await ask('and in 2023?', { followUpOf: first.run.id }, 'abstains');
    expect(second.run.input).toEqual({ question: 'and in 2023?' });

    const asked = await ask('How many?');
    const followUp = await ask('and for 2023?', { followUpOf: asked.run.id });
    const rerun = await h.orchestrator.startRun({ flowId: 'ask', rerun: { runId: followUp.run.id } });
    const rerunDone = await h.finished(rerun.id);
    expect(rerunDone?.run.threadId).toBeNull();
    expect(rerunDone?.run.input).toEqual(followUp.run.input);
    expect(seenHistory(rerunDone!)).toEqual([{ question: 'How many?', sql: 'SELECT 1' }]);
  });

  it(`carries at most the latest ${MAX_HISTORY_TURNS} turns`, async () => {
    let previous = await ask('q0');
    for (let i = 1; i <= MAX_HISTORY_TURNS + 1; i++)
      previous = await ask(`q${i}`, { followUpOf: previous.run.id });
    const history = (previous.run.input as { history: { question: string }[] }).history;
    expect(history.map((turn) => turn.question)).toEqual(
      Array.from({ length: MAX_HISTORY_TURNS }, (_, i) => `q${i + 1}`),
    );
  });

  it('refuses unknown threads and runs, threads of another flow, both ways at once, and a history the caller wrote', async () => {
    const first = await ask('How many?');
    const unknownThread = await refused(
      h.orchestrator.startRun({ flowId: 'ask', input: { question: 'x' }, threadId: 'r-nope' }),
    );
    expect(unknownThread.code).toBe('THREAD_NOT_FOUND');
    expect(unknownThread.message).toContain('no thread "r-nope"; to start one, pass followUpOf');
    // A run that nobody followed up yet has no thread.
    expect(
      (
        await refused(
          h.orchestrator.startRun({ flowId: 'ask', input: { question: 'x' }, threadId: first.run.id }),
        )
      ).code,
    ).toBe('THREAD_NOT_FOUND');

    const unknownRun = await refused(
      h.orchestrator.startRun({ flowId: 'ask', input: { question: 'x' }, followUpOf: 'r-gone' }),
    );
    expect(unknownRun.code).toBe('RUN_NOT_FOUND');
    expect(unknownRun.message).toBe('no run "r-gone" to follow up');

    const otherFlow = await refused(
      h.orchestrator.startRun({ flowId: 'other', input: { question: 'x' }, followUpOf: first.run.id }),
    );
    expect(otherFlow.code).toBe('THREAD_OTHER_FLOW');
    expect(otherFlow.message).toContain('belongs to flow "ask", not "other"');
    // Refused before anything changed: the run did not become a thread.
    expect((await h.store.getRunRecord(first.run.id))?.threadId).toBeNull();

    const both = await refused(
      h.orchestrator.startRun({
        flowId: 'ask',
        input: { question: 'x' },
        followUpOf: first.run.id,
        threadId: first.run.id,
      }),
    );
    expect(both.code).toBe('BAD_REQUEST');

    const written = await refused(
      h.orchestrator.startRun({
        flowId: 'ask',
        input: { question: 'x', history: [{ question: 'made up', sql: 'SELECT 1' }] },
      }),
    );
    expect(written.code).toBe('RUN_BAD_INPUT');
    expect(written.message).toContain('input.history is filled in by r1flow');

    const notObject = await refused(
      h.orchestrator.startRun({ flowId: 'ask', input: ['x'], followUpOf: first.run.id }),
    );
    expect(notObject.code).toBe('RUN_BAD_INPUT');

    await ask('and for 2023?', { followUpOf: first.run.id });
    const threadOfOtherFlow = await refused(
      h.orchestrator.startRun({ flowId: 'other', input: { question: 'x' }, threadId: first.run.id }),
    );
    expect(threadOfOtherFlow.code).toBe('THREAD_OTHER_FLOW');
  });

  it('a trigger field may not be named history', async () => {
    const flow = askFlow('named-history');
    (flow.nodes[0]!.params as { fields: unknown[] }).fields.push({
      name: 'history',
      type: 'array',
      required: false,
    });
    const error = await refused(h.run(flow, { question: 'x' }));
    expect(error.message).toContain('"history" is reserved');
  });
});
