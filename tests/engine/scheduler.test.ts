import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../support/cli.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

function nodeStatuses(stored: Awaited<ReturnType<Harness['finished']>>) {
  return Object.fromEntries(stored!.nodes.map((n) => [n.nodeId, n.status]));
}

describe('scheduling', () => {
  it('runs a linear flow and returns the output node result as the run output', async () => {
    const id = await h.run(
      flowOf(
        { t: ['trigger.manual', { fields: [{ name: 'question' }] }], s: ['test.step'], a: ['output.answer'] },
        ['t.payload->s.in', 's.out->a.value'],
      ),
      { question: 'How many?' },
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('succeeded');
    expect(stored!.run.output).toEqual({
      value: { label: 'step', in: { question: 'How many?' }, other: null },
    });
    const step = stored!.nodes.find((n) => n.nodeId === 's')!;
    expect(step.input).toEqual({ in: { question: 'How many?' } });
    expect(step.attempt).toBe(1);
    expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('dispatches parallel branches together and the join waits for both', async () => {
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual'],
          left: ['test.step', { label: 'L', sleepMs: 300 }],
          right: ['test.step', { label: 'R', sleepMs: 300 }],
          join: ['test.step', { label: 'J' }],
        },
        ['t.payload->left.in', 't.payload->right.in', 'left.out->join.in', 'right.out->join.other'],
      ),
    );
    const stored = await h.finished(id);
    const byId = Object.fromEntries(stored!.nodes.map((n) => [n.nodeId, n]));
    // Both branches were running at once: each started before the other finished.
    expect(byId.left!.startedAt!).toBeLessThan(byId.right!.finishedAt!);
    expect(byId.right!.startedAt!).toBeLessThan(byId.left!.finishedAt!);
    expect(byId.join!.startedAt!).toBeGreaterThanOrEqual(
      Math.max(byId.left!.finishedAt!, byId.right!.finishedAt!),
    );
    expect(
      (byId.join!.output as { out: { in: { label: string }; other: { label: string } } }).out.in.label,
    ).toBe('L');
  });

  it('a branch skips the side not taken, downstream of it too, and the run succeeds', async () => {
    const flow = flowOf(
      {
        t: ['trigger.manual', { fields: [{ name: 'n', type: 'number' }] }],
        br: ['control.branch', { condition: { path: 'n', op: 'gt', value: 10 } }],
        big: ['test.step', { label: 'big' }],
        bigger: ['test.step', { label: 'bigger' }],
        small: ['test.step', { label: 'small' }],
        out: ['output.answer'],
      },
      [
        't.payload->br.value',
        'br.true->big.in',
        'big.out->bigger.in',
        'br.false->small.in',
        'small.out->out.value',
      ],
    );
    const stored = await h.finished(await h.run(flow, { n: 42 }));
    expect(stored!.run.status).toBe('succeeded');
    expect(nodeStatuses(stored)).toMatchObject({
      big: 'succeeded',
      bigger: 'succeeded',
      small: 'skipped',
      out: 'skipped',
    });
  });

  it('a join with one live input still runs; a join whose inputs were all skipped is skipped', async () => {
    const flow = flowOf(
      {
        t: ['trigger.manual', { fields: [{ name: 'ok', type: 'boolean' }] }],
        br: ['control.branch', { condition: { path: 'ok', op: 'truthy' } }],
        yes: ['test.step', { label: 'yes' }],
        no: ['test.step', { label: 'no' }],
        join: ['test.step', { label: 'join' }],
        br2: ['control.branch', { condition: { path: 'ok', op: 'falsy' } }],
        never: ['test.step', { label: 'never' }],
        after: ['test.step', { label: 'after' }],
      },
      [
        't.payload->br.value',
        'br.true->yes.in',
        'br.false->no.in',
        'yes.out->join.in',
        'no.out->join.other',
        't.payload->br2.value',
        'br2.true->never.in',
        'never.out->after.in',
      ],
    );
    const stored = await h.finished(await h.run(flow, { ok: true }));
    expect(nodeStatuses(stored)).toMatchObject({
      yes: 'succeeded',
      no: 'skipped',
      join: 'succeeded',
      never: 'skipped',
      after: 'skipped',
    });
  });

  it('retries with backoff and keeps each attempt in the history', async () => {
    const id = await h.run(
      flowOf({ s: ['test.step', { failTimes: 2 }, { retry: { attempts: 3, backoffMs: 50 } }] }),
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('succeeded');
    expect(stored!.nodes[0]!.attempt).toBe(3);
    const attempts = await h.store.listAttempts(id);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(attempts[0]!.error!.message).toContain('failed on attempt 1');
    // The second retry waited at least the doubled backoff (100 ms less jitter) after the second failure.
    expect(attempts[2]!.startedAt! - attempts[1]!.finishedAt).toBeGreaterThanOrEqual(75);
  });

  it('still retries when the wall clock steps back while the node waits for its retry', async () => {
    const id = await h.run(
      flowOf({ s: ['test.step', { failTimes: 1 }, { retry: { attempts: 2, backoffMs: 300 } }] }),
    );
    await waitFor(async () => (await h.store.getRun(id))!.nodes[0]!.retryAt !== null, 10_000, 'a retry time');
    // The retry timer fires on the monotonic clock; the tick then reads a wall clock 700 ms behind it.
    const realNow = Date.now.bind(Date);
    const stepBack = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 700);
    try {
      const stored = await h.finished(id);
      expect(stored!.run.status).toBe('succeeded');
      expect(stored!.nodes[0]!.attempt).toBe(2);
    } finally {
      stepBack.mockRestore();
    }
  });

  it('a node that keeps failing fails the run, names the node, and cancels what still runs', async () => {
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual'],
          bad: ['test.step', { failTimes: 5, label: 'bad' }, { retry: { attempts: 2, backoffMs: 10 } }],
          slow: ['test.step', { sleepMs: 5000 }],
          after: ['test.step'],
        },
        ['t.payload->bad.in', 't.payload->slow.in', 'bad.out->after.in'],
      ),
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.run.error).toMatchObject({ code: 'NODE_FAILED', nodeId: 'bad' });
    expect(stored!.run.error!.message).toContain('node "bad" failed: bad failed on attempt 2');
    expect(nodeStatuses(stored)).toMatchObject({ bad: 'failed', slow: 'cancelled', after: 'cancelled' });
    expect(stored!.nodes.find((n) => n.nodeId === 'bad')!.error!.message).toContain('attempt 2');
  });

  it('continueOnError lets the run go on and skips what depended on the failed node', async () => {
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual'],
          bad: ['test.step', { failTimes: 1 }, { continueOnError: true }],
          after: ['test.step'],
          other: ['test.step'],
        },
        ['t.payload->bad.in', 'bad.out->after.in', 't.payload->other.in'],
      ),
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('succeeded');
    expect(nodeStatuses(stored)).toMatchObject({ bad: 'failed', after: 'skipped', other: 'succeeded' });
  });

  it('a node over its timeout fails with NODE_TIMEOUT', async () => {
    const id = await h.run(
      flowOf({ s: ['test.step', { sleepMs: 10_000, ignoreSignal: true }, { timeoutMs: 100 }] }),
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.nodes[0]!.error!.code).toBe('NODE_TIMEOUT');
  });

  it('a node whose outputs fail its output schema fails the run with NODE_BAD_OUTPUT', async () => {
    const stored = await h.finished(await h.run(flowOf({ s: ['test.step', { badOutput: true }] })));
    expect(stored!.run.status).toBe('failed');
    expect(stored!.nodes[0]!.error).toMatchObject({ code: 'NODE_BAD_OUTPUT', path: 'outputs.out' });
  });

  it('one failing run does not disturb another', async () => {
    const bad = await h.run(flowOf({ s: ['test.step', { failTimes: 1 }] }, [], 'bad'));
    const good = await h.run(flowOf({ s: ['test.step', { sleepMs: 50 }] }, [], 'good'));
    expect((await h.finished(bad))!.run.status).toBe('failed');
    expect((await h.finished(good))!.run.status).toBe('succeeded');
  });

  it('cancelling a run stops a node that honours its signal, long before its 30 s sleep ends', async () => {
    const id = await h.run(flowOf({ s: ['test.step', { sleepMs: 30_000 }] }));
    await waitFor(
      async () => (await h.store.getRun(id))?.nodes[0]?.status === 'running',
      10_000,
      'node s to start',
    );
    await h.orchestrator.cancelRun(id);
    // finished() gives up after 20 s, so a node that ignored the signal would fail here.
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('cancelled');
    expect(stored!.nodes[0]!.status).toBe('cancelled');
    await expect(h.orchestrator.cancelRun(id)).rejects.toMatchObject({ code: 'RUN_NOT_ACTIVE' });
  });

  it('a run input that does not fit the trigger is refused before a run exists', async () => {
    const flow = flowOf({ t: ['trigger.manual', { fields: [{ name: 'question', maxLength: 10 }] }] });
    await expect(h.run(flow, { question: 42 })).rejects.toMatchObject({
      code: 'RUN_BAD_INPUT',
      path: 'input.question',
    });
    expect(await h.store.listRuns()).toHaveLength(0);
  });

  it('every state change is in the run event log, in order', async () => {
    const id = await h.run(flowOf({ t: ['trigger.manual'], s: ['test.step'] }, ['t.payload->s.in']));
    await h.finished(id);
    const events = await h.store.readEvents({ runId: id });
    expect(events.map((e) => `${e.type}${e.nodeId ? `:${e.nodeId}` : ''}`)).toEqual([
      'run.queued',
      'run.started',
      'node.running:t',
      'node.succeeded:t',
      'node.running:s',
      'node.succeeded:s',
      'run.succeeded',
    ]);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    // The end event carries the run's output: a client following the events needs no extra call.
    const run = await h.store.getRun(id);
    expect(events.at(-1)!.data).toEqual({ output: run!.run.output });
    expect(run!.run.output).not.toBeNull();
  });

  it('re-running from a node reuses the outputs upstream of it', async () => {
    const first = await h.run(
      flowOf({ t: ['trigger.manual'], a: ['test.step', { label: 'a' }], b: ['test.step', { label: 'b' }] }, [
        't.payload->a.in',
        'a.out->b.in',
      ]),
      { x: 1 },
    );
    await h.finished(first);
    const run = await h.orchestrator.startRun({
      flowId: 'test-flow',
      rerun: { runId: first, fromNode: 'b' },
    });
    const stored = await h.finished(run.id);
    expect(stored!.run).toMatchObject({ status: 'succeeded', rerunOf: first, input: { x: 1 } });
    const byId = Object.fromEntries(stored!.nodes.map((n) => [n.nodeId, n]));
    expect(byId.a!.reused).toBe(true);
    expect(byId.b!.reused).toBe(false);
    expect(byId.b!.attempt).toBe(1);
  });

  it('an idempotency key returns the same run for a repeat', async () => {
    const flow = flowOf({ s: ['test.step'] });
    const first = await h.run(flow, {}, { idempotencyKey: 'abc' });
    const again = await h.orchestrator.startRun({ flowId: 'test-flow', idempotencyKey: 'abc' });
    expect(again.id).toBe(first);
  });
});
