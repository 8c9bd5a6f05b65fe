import { describe, expect, it } from 'vitest';
import { WorkerStats } from '../../workers/worker-stats.ts';

const identity = { id: 'w1', lanes: ['cpu' as const, 'llm' as const], concurrency: 4, nodeTypes: 3 };

describe('worker stats', () => {
  it('counts jobs finished per lane during the last minute only', () => {
    const stats = new WorkerStats(identity);
    const t = 1_000_000_000;
    stats.recordCompleted('cpu', t);
    stats.recordCompleted('cpu', t + 30_000);
    stats.recordCompleted('llm', t + 30_000);
    expect(stats.report(0, t + 45_000).completedLastMinute).toEqual({ cpu: 2, llm: 1 });
    expect(stats.report(0, t + 75_000).completedLastMinute).toEqual({ cpu: 1, llm: 1 });
    expect(stats.report(0, t + 200_000).completedLastMinute).toEqual({ cpu: 0, llm: 0 });
  });

  it('keeps a histogram of batch sizes by weight, and the batches in flight', () => {
    const stats = new WorkerStats(identity);
    stats.recordBatch(8, 64);
    stats.recordBatch(1, 8);
    stats.recordBatch(3, 24);
    stats.recordBatch(20, 160);
    const report = stats.report(2);
    expect(report.batches).toEqual({
      count: 4,
      jobs: 32,
      weight: 256,
      sizes: { '64': 1, '8': 1, '32': 1, '128+': 1 },
    });
    expect(report.inFlightBatches).toBe(2);
  });
});
