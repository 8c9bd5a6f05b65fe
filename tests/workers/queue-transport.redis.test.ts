import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createHarness, flowOf } from '../support/engine-harness.ts';
import { stepNode } from '../support/test-nodes.ts';
import type { QueueHarness } from './support/queue-harness.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

const byId = <T extends { nodeId: string }>(nodes: T[]) =>
  Object.fromEntries(nodes.map((n) => [n.nodeId, n]));

describe('flows in queue mode', () => {
  it('runs a linear flow through a worker and stores every node output', async () => {
    const h = await env.harness();
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
  });

  it('runs parallel branches at once on two workers and joins them', async () => {
    const h = await env.harness({ workers: [{ concurrency: 1 }, { concurrency: 1 }] });
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual'],
          left: ['test.step', { label: 'L', sleepMs: 400 }],
          right: ['test.step', { label: 'R', sleepMs: 400 }],
          join: ['test.step', { label: 'J' }],
        },
        ['t.payload->left.in', 't.payload->right.in', 'left.out->join.in', 'right.out->join.other'],
      ),
    );
    const nodes = byId((await h.finished(id))!.nodes);
    expect(nodes.join!.status).toBe('succeeded');
    expect(nodes.left!.startedAt!).toBeLessThan(nodes.right!.finishedAt!);
    expect(nodes.right!.startedAt!).toBeLessThan(nodes.left!.finishedAt!);
    expect(nodes.join!.output).toMatchObject({ out: { in: { label: 'L' }, other: { label: 'R' } } });
  });

  it('keeps the same attempt history as the inline transport when a node is retried', async () => {
    const flow = flowOf({
      s: ['test.step', { failTimes: 2 }, { retry: { attempts: 3, backoffMs: 20 } }],
      bad: ['test.step', { failTimes: 9 }, { retry: { attempts: 2, backoffMs: 20 }, continueOnError: true }],
    });
    const history = async (harness: {
      run: QueueHarness['run'];
      finished: QueueHarness['finished'];
      store: QueueHarness['store'];
    }) => {
      const id = await harness.run(flow);
      const stored = await harness.finished(id);
      const attempts = await harness.store.listAttempts(id);
      return {
        status: stored!.run.status,
        attempts: attempts
          .map((a) => [a.nodeId, a.attempt, a.status, a.error?.code ?? null, a.error?.message ?? null])
          .sort((a, b) => String(a).localeCompare(String(b))),
      };
    };
    const inline = await createHarness();
    const expected = await history(inline);
    await inline.close();
    const h = await env.harness();
    expect(await history(h)).toEqual(expected);
    expect(expected.attempts).toHaveLength(5);
  });

  it('a node over its timeout fails with NODE_TIMEOUT where it runs', async () => {
    const h = await env.harness();
    const id = await h.run(
      flowOf({ s: ['test.step', { sleepMs: 10_000, ignoreSignal: true }, { timeoutMs: 200 }] }),
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.nodes[0]!.error!.code).toBe('NODE_TIMEOUT');
  });

  it('cancelling a run stops its running job in the worker and removes its waiting job', async () => {
    const h = await env.harness({ workers: [{ concurrency: 1 }] });
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual'],
          running: ['test.step', { sleepMs: 20_000 }],
          waiting: ['test.step', { sleepMs: 20_000 }],
        },
        ['t.payload->running.in', 't.payload->waiting.in'],
      ),
    );
    const worker = h.workers[0]!;
    await waitUntil(async () => {
      const stored = await h.store.getRun(id);
      return stored!.nodes.filter((n) => n.status === 'running').length === 2;
    });
    const started = Date.now();
    await h.orchestrator.cancelRun(id);
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing is left in the queue and the worker is free again.
    const queue = new Queue('node-cpu', { connection: { url: env.redis().url }, prefix: h.prefix });
    await waitUntil(async () => (await queue.getJobCounts('wait', 'active')).active === 0);
    expect(await queue.getJobCounts('wait', 'active')).toEqual({ wait: 0, active: 0 });
    await queue.close();
    expect(worker.report().completedLastMinute.cpu).toBeGreaterThanOrEqual(1);
  });

  it('a worker without the node type fails the run with NODE_TYPE_UNAVAILABLE instead of hanging', async () => {
    const h = await env.harness({ workers: [{ nodes: [] }] });
    const id = await h.run(flowOf({ s: ['test.step'] }));
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.run.error).toMatchObject({ code: 'NODE_TYPE_UNAVAILABLE', nodeId: 's' });
    expect(stored!.run.error!.message).toContain('test.step@1 is not installed in this worker');
  });

  it('a job over the payload cap fails the run with its size named', async () => {
    const h = await env.harness({ transport: { maxPayloadBytes: 2048 } });
    const big = 'x'.repeat(4096);
    const id = await h.run(
      flowOf({ t: ['trigger.manual', { fields: [{ name: 'text' }] }], s: ['test.step'] }, [
        't.payload->s.in',
      ]),
      { text: big },
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('failed');
    // The trigger's job carries the run input, so it is the first over the cap.
    expect(stored!.run.error).toMatchObject({ code: 'JOB_DATA_INVALID', nodeId: 't' });
    expect(stored!.run.error!.message).toMatch(
      /the job of node t is 4\.\d KiB of JSON, over queue mode's cap of 2\.0 KiB/,
    );
  });
});

describe('node types in queue mode', () => {
  it('uses the worker registry, not the orchestrator one, to run a node', async () => {
    const h = await env.harness({ workers: [{ nodes: [stepNode] }] });
    const stored = await h.finished(await h.run(flowOf({ s: ['test.step', { label: 'only-step' }] })));
    expect(stored!.run.status).toBe('succeeded');
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
