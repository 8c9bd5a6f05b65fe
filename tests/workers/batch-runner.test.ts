import { describe, expect, it } from 'vitest';
import type { ExecutionHost } from '../../engine/execute-job.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { silentLogger } from '../../engine/node-context.ts';
import { ResourcePool } from '../../engine/resources.ts';
import type { JobResult, NodeJob } from '../../engine/transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { createBatchRunner } from '../../workers/batch-runner.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

const host: ExecutionHost = {
  registry: createNodeRegistry(TEST_NODES),
  resources: new ResourcePool(),
  settings: settingsFrom({}),
  logger: silentLogger,
};

const job = (id: string, params: Record<string, unknown> = {}): NodeJob => ({
  jobId: `run-${id}-1`,
  runId: 'run',
  nodeId: id,
  attempt: 1,
  nodeKey: 'test.batched@1',
  lane: 'llm',
  params: { sleepMs: 30, ...params },
  inputs: {},
});

const batchSize = (result: JobResult) =>
  result.outcome.ok ? (result.outcome.outputs.out as { batchSize: number }).batchSize : 0;

describe('the batch runner', () => {
  it('sends a job at once when nothing runs, and gathers the jobs that come while a batch runs', async () => {
    const batches: number[] = [];
    const runner = createBatchRunner(host, {
      maxBatchSize: 8,
      maxWaitMs: 10,
      maxInFlightBatches: 1,
      onBatch: (jobs) => batches.push(jobs),
    });
    const signal = new AbortController().signal;
    const first = runner.run(job('first'), signal);
    const rest = Array.from({ length: 5 }, (_, i) => runner.run(job(`n${i}`), signal));
    expect(batchSize(await first)).toBe(1);
    expect((await Promise.all(rest)).map(batchSize)).toEqual([5, 5, 5, 5, 5]);
    expect(batches).toEqual([1, 5]);
    runner.close();
  });

  it('never puts more weight in a batch than maxBatchSize', async () => {
    const weights: number[] = [];
    const runner = createBatchRunner(host, {
      maxBatchSize: 16,
      maxWaitMs: 10,
      maxInFlightBatches: 1,
      onBatch: (_jobs, weight) => weights.push(weight),
    });
    const signal = new AbortController().signal;
    await Promise.all(Array.from({ length: 7 }, (_, i) => runner.run(job(`n${i}`, { weight: 8 }), signal)));
    expect(Math.max(...weights)).toBeLessThanOrEqual(16);
    expect(weights.reduce((sum, w) => sum + w, 0)).toBe(56);
    runner.close();
  });

  it('a job cancelled while it waits for its batch settles at once as NODE_CANCELLED', async () => {
    const runner = createBatchRunner(host, { maxBatchSize: 8, maxWaitMs: 60_000, maxInFlightBatches: 1 });
    const busy = runner.run(job('busy', { sleepMs: 100 }), new AbortController().signal);
    const controller = new AbortController();
    const waiting = runner.run(job('waiting'), controller.signal);
    controller.abort();
    expect((await waiting).outcome).toMatchObject({ ok: false, error: { code: 'NODE_CANCELLED' } });
    expect((await busy).outcome.ok).toBe(true);
    runner.close();
  });
});
