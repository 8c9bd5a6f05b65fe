import { describe, expect, it } from 'vitest';
import type { JobResult, NodeJob } from '../../engine/transport.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { QueueHarness } from './support/queue-harness.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

const batchSizeOf = (output: unknown) => (output as { out: { batchSize: number } }).out.batchSize;

describe('the batching worker', () => {
  it("merges concurrent runs' jobs into shared batches, never over maxBatchSize", async () => {
    const h = await env.harness({
      workers: [
        { lanes: ['cpu', 'llm'], batching: { maxBatchSize: 8, maxWaitMs: 100, maxInFlightBatches: 1 } },
      ],
    });
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => h.run(flowOf({ b: ['test.batched', { sleepMs: 100 }] }))),
    );
    const sizes: number[] = [];
    for (const id of ids) {
      const stored = await h.finished(id);
      expect(stored!.run.status).toBe('succeeded');
      sizes.push(batchSizeOf(stored!.nodes[0]!.output));
    }
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    const { batches } = h.workers[0]!.report();
    expect(batches.jobs).toBe(20);
    expect(batches.count).toBeLessThan(20);
  });

  it('counts batch weight (samples), not jobs, against maxBatchSize', async () => {
    const h = await env.harness({
      workers: [{ batching: { maxBatchSize: 16, maxWaitMs: 100, maxInFlightBatches: 1 } }],
    });
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => h.run(flowOf({ b: ['test.batched', { weight: 8, sleepMs: 50 }] }))),
    );
    for (const id of ids) {
      const stored = await h.finished(id);
      expect(batchSizeOf(stored!.nodes[0]!.output)).toBeLessThanOrEqual(2);
    }
    expect(h.workers[0]!.report().batches.sizes['16']).toBeGreaterThanOrEqual(1);
  });

  it('a job with bad params fails alone; the rest of its batch succeeds', async () => {
    const h = await env.harness({
      workers: [{ batching: { maxBatchSize: 8, maxWaitMs: 200, maxInFlightBatches: 1 } }],
    });
    const settled = collectResults(h);
    const job = (nodeId: string, params: unknown): NodeJob => ({
      jobId: `direct-${nodeId}-1`,
      runId: 'direct',
      nodeId,
      attempt: 1,
      nodeKey: 'test.batched@1',
      lane: 'llm',
      params,
      inputs: {},
    });
    // A batch in flight first, so that the next jobs wait for it together.
    await h.transport.submit([job('busy', { sleepMs: 300 })]);
    await h.transport.submit([
      job('a', { sleepMs: 20 }),
      job('bad', { weight: 0 }),
      job('b', { sleepMs: 20 }),
    ]);
    const results = await settled(4);
    const byNode = Object.fromEntries(results.map((r) => [r.nodeId, r.outcome]));
    expect(byNode.a).toEqual({ ok: true, outputs: { out: { batchSize: 2 } } });
    expect(byNode.b).toEqual({ ok: true, outputs: { out: { batchSize: 2 } } });
    expect(byNode.bad).toMatchObject({ ok: false, error: { code: 'NODE_BAD_INPUT' } });
  });

  it('a job reaching an idle worker goes out at once instead of waiting maxWaitMs', async () => {
    const h = await env.harness({
      // Waiting this long would outlast the harness's wait for the run.
      workers: [{ batching: { maxBatchSize: 64, maxWaitMs: 120_000, maxInFlightBatches: 2 } }],
    });
    const stored = await h.finished(await h.run(flowOf({ b: ['test.batched', { sleepMs: 0 }] })));
    expect(stored!.run.status).toBe('succeeded');
    expect(batchSizeOf(stored!.nodes[0]!.output)).toBe(1);
  });
});

function collectResults(h: QueueHarness): (count: number) => Promise<JobResult[]> {
  const results: JobResult[] = [];
  h.transport.onSettled((result) => results.push(result));
  return async (count) => {
    const deadline = Date.now() + 20_000;
    while (results.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${results.length} of ${count} results arrived`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return results;
  };
}
