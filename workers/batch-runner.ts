// The batching half of a worker: jobs of `runBatch` nodes (llm.generate) from many runs wait in a
// micro-batcher and go to the node's runBatch together, one executeBatch call per batch, each job
// settling on its own. A batch is flushed at `maxBatchSize` (in batch weight, e.g. samples) or
// after `maxWaitMs`, and only while fewer than `maxInFlightBatches` are running: that backpressure
// lets the next batch keep filling instead of flooding the model server with small ones. A job
// that arrives while no batch runs and none waits goes out at once: waiting for company pays off
// only while the model server is busy, so at low load batching adds no latency.

import { batchPlacement } from '../engine/batch-placement.ts';
import { R1flowError } from '../engine/errors.ts';
import type { ExecutionHost, JobHooks } from '../engine/execute-job.ts';
import { executeBatch, failedResult } from '../engine/execute-job.ts';
import { createMicroBatcher } from '../engine/micro-batcher.ts';
import type { JobResult, NodeJob } from '../engine/transport.ts';

export interface BatchingOptions {
  /** Largest batch, in batch weight (a job's weight is e.g. its number of samples). */
  maxBatchSize: number;
  /** Longest time the first job of a batch waits for more, in ms. */
  maxWaitMs: number;
  /** Batches running at once; further ready batches wait (and keep filling). */
  maxInFlightBatches: number;
}

export interface BatchRunner {
  /** Settles with the job's own result once its batch ran (or at once when cancelled while waiting). */
  run(job: NodeJob, signal: AbortSignal): Promise<JobResult>;
  inFlightBatches(): number;
  close(): void;
}

interface Entry {
  job: NodeJob;
  key: string;
  weight: number;
  signal: AbortSignal;
  settle: (result: JobResult) => void;
}

export function createBatchRunner(
  host: ExecutionHost,
  options: BatchingOptions & {
    onProgress?: JobHooks['onProgress'];
    /** Called as each batch starts, with its number of jobs and total weight. */
    onBatch?: (jobs: number, weight: number) => void;
  },
): BatchRunner {
  let inFlight = 0;
  const runBatch = (entries: Entry[]) => {
    inFlight++;
    options.onBatch?.(
      entries.length,
      entries.reduce((sum, entry) => sum + entry.weight, 0),
    );
    const signals = new Map(entries.map((entry) => [entry.job, entry.signal]));
    executeBatch(
      entries.map((entry) => entry.job),
      host,
      {
        signalFor: (job) => signals.get(job),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    )
      .then((results) => {
        for (const [i, result] of results.entries()) entries[i]!.settle(result);
      })
      .finally(() => {
        inFlight--;
        batcher.poke();
      });
  };
  const batcher = createMicroBatcher<Entry>({
    maxBatchSize: options.maxBatchSize,
    maxWaitMs: options.maxWaitMs,
    keyOf: (entry) => entry.key,
    weightOf: (entry) => entry.weight,
    hasCapacity: () => inFlight < options.maxInFlightBatches,
    flush: runBatch,
  });

  return {
    run(job, signal) {
      return new Promise<JobResult>((settle) => {
        const entry: Entry = { job, signal, settle, ...batchPlacement(host.registry, job) };
        const cancelWhileWaiting = () => {
          if (batcher.remove((item) => item === entry).length === 0) return;
          const error = new R1flowError(
            'NODE_CANCELLED',
            `${job.nodeId} was cancelled before its batch ran`,
            {
              nodeId: job.nodeId,
            },
          );
          settle(failedResult(job, Date.now(), error));
        };
        signal.addEventListener('abort', cancelWhileWaiting, { once: true });
        if (inFlight === 0 && batcher.pendingCount() === 0) runBatch([entry]);
        else batcher.add(entry);
        if (signal.aborted) cancelWhileWaiting();
      });
    },
    inFlightBatches: () => inFlight,
    close: () => batcher.close(),
  };
}
