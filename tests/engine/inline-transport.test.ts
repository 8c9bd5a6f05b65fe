import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
});

describe('the inline transport', () => {
  it('merges concurrent runs calls to a runBatch node into shared batches', async () => {
    h = await createHarness({ lanes: { llm: { concurrency: 1, maxBatchSize: 8, maxWaitMs: 50 } } });
    const ids = await Promise.all(
      Array.from({ length: 12 }, () => h!.run(flowOf({ b: ['test.batched', { sleepMs: 20 }] }))),
    );
    const sizes: number[] = [];
    for (const id of ids) {
      const stored = await h.finished(id);
      expect(stored!.run.status).toBe('succeeded');
      sizes.push((stored!.nodes[0]!.output as { out: { batchSize: number } }).out.batchSize);
    }
    expect(Math.max(...sizes)).toBe(8);
    expect(sizes.every((size) => size <= 8)).toBe(true);
  });

  it('a lone call to a runBatch node goes out at once instead of waiting for company', async () => {
    // With a one-minute wait, the run could only finish in time if an idle lane sends at once.
    h = await createHarness({ lanes: { llm: { concurrency: 1, maxBatchSize: 8, maxWaitMs: 60_000 } } });
    const stored = await h.finished(await h.run(flowOf({ b: ['test.batched', { sleepMs: 1 }] })));
    expect(stored!.run.status).toBe('succeeded');
  });

  it('a batch never exceeds maxBatchSize in weight', async () => {
    h = await createHarness({ lanes: { llm: { concurrency: 1, maxBatchSize: 16, maxWaitMs: 50 } } });
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => h!.run(flowOf({ b: ['test.batched', { weight: 8, sleepMs: 20 }] }))),
    );
    for (const id of ids) {
      const stored = await h.finished(id);
      expect((stored!.nodes[0]!.output as { out: { batchSize: number } }).out.batchSize).toBeLessThanOrEqual(
        2,
      );
    }
  });

  it('limits how many jobs of a lane run at once', async () => {
    h = await createHarness({ lanes: { cpu: { concurrency: 2 } } });
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => h!.run(flowOf({ s: ['test.step', { sleepMs: 100 }] }))),
    );
    const spans: [number, number][] = [];
    for (const id of ids) {
      const node = (await h.finished(id))!.nodes[0]!;
      spans.push([node.startedAt!, node.finishedAt!]);
    }
    const maxOverlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(maxOverlap).toBeLessThanOrEqual(2);
  });
});
