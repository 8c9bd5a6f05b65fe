// Runs node jobs in this process: a concurrency limit per lane, and micro-batching for nodes with
// `runBatch`, so concurrent runs' calls to one model server share a request.

import { batchPlacement } from '../batch-placement.ts';
import type { Lane, Logger } from '../define-node.ts';
import { LANES } from '../define-node.ts';
import { R1flowError } from '../errors.ts';
import type { ExecutionHost } from '../execute-job.ts';
import { executeBatch, executeJob, failedResult } from '../execute-job.ts';
import type { HostSettings } from '../host-settings.ts';
import { environmentSettings } from '../host-settings.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../json-limits.ts';
import type { MicroBatcher } from '../micro-batcher.ts';
import { createMicroBatcher } from '../micro-batcher.ts';
import { silentLogger } from '../node-context.ts';
import type { NodeRegistry } from '../registry.ts';
import { ResourcePool } from '../resources.ts';
import type { JobProgress, JobResult, NodeJob, Transport } from '../transport.ts';
import type { LaneOptions } from './lane-options.ts';
import { compileLaneOptions } from './lane-options.ts';

export interface InlineTransportOptions {
  registry: NodeRegistry;
  /** Per-lane limits; unset fields keep their defaults (lane-options.ts). */
  lanes?: Partial<Record<Lane, Partial<LaneOptions>>>;
  /** Shared resources; the transport creates (and on close disposes) its own when not given. */
  resources?: ResourcePool;
  /** The host's settings and secrets nodes see; the process environment when not given. */
  settings?: HostSettings;
  logger?: Logger;
  /** Largest JSON of one node's outputs, in bytes (default `R1FLOW_MAX_OUTPUT_BYTES`, else 1 MiB as in queue mode). */
  maxOutputBytes?: number;
}

type WorkUnit = { jobs: NodeJob[]; batched: boolean };

interface LaneState {
  options: LaneOptions;
  running: number;
  queue: WorkUnit[];
  batcher: MicroBatcher<NodeJob>;
}

export class InlineTransport implements Transport {
  readonly name = 'inline';
  readonly #host: ExecutionHost;
  readonly #ownsResources: boolean;
  readonly #lanes: Map<Lane, LaneState>;
  readonly #controllers = new Map<string, AbortController>();
  readonly #settledListeners: ((result: JobResult) => void)[] = [];
  readonly #progressListeners: ((progress: JobProgress) => void)[] = [];
  #closed = false;

  constructor(options: InlineTransportOptions) {
    this.#ownsResources = !options.resources;
    const settings = options.settings ?? environmentSettings;
    this.#host = {
      registry: options.registry,
      resources: options.resources ?? new ResourcePool(),
      settings,
      logger: options.logger ?? silentLogger,
      maxOutputBytes: options.maxOutputBytes ?? maxOutputBytesFrom(settings),
    };
    const compiled = compileLaneOptions(options.lanes);
    this.#lanes = new Map(
      LANES.map((lane) => {
        const options = compiled[lane];
        // The batcher's callbacks read the lane's live counters, so they close over `state` itself.
        const state: LaneState = {
          options,
          running: 0,
          queue: [],
          batcher: createMicroBatcher<NodeJob>({
            maxBatchSize: options.maxBatchSize,
            maxWaitMs: options.maxWaitMs,
            keyOf: (job) => batchPlacement(this.#host.registry, job).key,
            weightOf: (job) => batchPlacement(this.#host.registry, job).weight,
            hasCapacity: () => state.running < options.concurrency && state.queue.length === 0,
            isIdle: () => state.running === 0 && state.queue.length === 0,
            flush: (jobs) => {
              state.queue.push({ jobs, batched: true });
              this.#pump(state);
            },
          }),
        };
        return [lane, state];
      }),
    );
  }

  async submit(jobs: readonly NodeJob[]): Promise<void> {
    if (this.#closed) throw new R1flowError('INTERNAL', 'the inline transport is closed');
    for (const submitted of jobs) {
      const lane = this.#lanes.get(submitted.lane);
      if (!lane) {
        this.#settle(
          failedResult(
            submitted,
            Date.now(),
            new R1flowError(
              'FLOW_UNKNOWN_LANE',
              `${submitted.nodeId} asks for unknown lane "${submitted.lane}"`,
              {
                nodeId: submitted.nodeId,
                retryable: false,
              },
            ),
          ),
        );
        continue;
      }
      // In process a job is delivered exactly once.
      const job: NodeJob = { ...submitted, delivery: 1 };
      this.#controllers.set(job.jobId, new AbortController());
      if (this.#host.registry.find(job.nodeKey)?.runBatch) lane.batcher.add(job);
      else {
        lane.queue.push({ jobs: [job], batched: false });
        this.#pump(lane);
      }
    }
  }

  onSettled(listener: (result: JobResult) => void): void {
    this.#settledListeners.push(listener);
  }

  onProgress(listener: (progress: JobProgress) => void): void {
    this.#progressListeners.push(listener);
  }

  async cancel(jobId: string): Promise<void> {
    const controller = this.#controllers.get(jobId);
    if (!controller) return;
    for (const lane of this.#lanes.values()) {
      const waiting = [
        ...lane.batcher.remove((job) => job.jobId === jobId),
        ...this.#removeQueued(lane, jobId),
      ];
      for (const job of waiting) {
        this.#settle(
          failedResult(
            job,
            Date.now(),
            new R1flowError('NODE_CANCELLED', `${job.nodeId} was cancelled before it started`),
          ),
        );
      }
    }
    controller.abort();
  }

  async reconcile(): Promise<Set<string>> {
    return new Set(this.#controllers.keys());
  }

  /** Results live only in this process's memory: nothing to delete. */
  acknowledge(): void {}

  /** Every job runs here, so no other process takes a result. */
  release(): void {}

  /** Jobs waiting or running per lane, for health output. */
  stats(): Record<Lane, { running: number; queued: number; batching: number }> {
    const out = {} as Record<Lane, { running: number; queued: number; batching: number }>;
    for (const [lane, state] of this.#lanes) {
      out[lane] = {
        running: state.running,
        queued: state.queue.reduce((sum, unit) => sum + unit.jobs.length, 0),
        batching: state.batcher.pendingCount(),
      };
    }
    return out;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const lane of this.#lanes.values()) lane.batcher.close();
    for (const controller of this.#controllers.values()) controller.abort();
    if (this.#ownsResources) await (this.#host.resources as ResourcePool).disposeAll();
  }

  #removeQueued(lane: LaneState, jobId: string): NodeJob[] {
    const removed: NodeJob[] = [];
    for (const unit of lane.queue) {
      const index = unit.jobs.findIndex((job) => job.jobId === jobId);
      if (index >= 0) removed.push(...unit.jobs.splice(index, 1));
    }
    lane.queue = lane.queue.filter((unit) => unit.jobs.length > 0);
    return removed;
  }

  #pump(lane: LaneState): void {
    while (lane.running < lane.options.concurrency && lane.queue.length > 0) {
      const unit = lane.queue.shift()!;
      lane.running++;
      this.#runUnit(unit)
        .then((results) => {
          for (const result of results) this.#settle(result);
        })
        .finally(() => {
          lane.running--;
          this.#pump(lane);
          lane.batcher.poke();
        });
    }
  }

  #runUnit(unit: WorkUnit): Promise<JobResult[]> {
    const onProgress = (job: NodeJob, progress: JobProgress['progress']) => {
      const event = {
        jobId: job.jobId,
        runId: job.runId,
        nodeId: job.nodeId,
        attempt: job.attempt,
        progress,
      };
      for (const listener of this.#progressListeners) listener(event);
    };
    if (!unit.batched) {
      const job = unit.jobs[0]!;
      const signal = this.#controllers.get(job.jobId)?.signal;
      return executeJob(job, this.#host, { ...(signal ? { signal } : {}), onProgress }).then((r) => [r]);
    }
    return executeBatch(unit.jobs, this.#host, {
      signalFor: (job) => this.#controllers.get(job.jobId)?.signal,
      onProgress,
    });
  }

  #settle(result: JobResult): void {
    this.#controllers.delete(result.jobId);
    if (this.#closed) return;
    for (const listener of this.#settledListeners) listener(result);
  }
}

function maxOutputBytesFrom(settings: HostSettings): number {
  const text = settings.setting('R1FLOW_MAX_OUTPUT_BYTES');
  if (text === undefined) return DEFAULT_MAX_PAYLOAD_BYTES;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `R1FLOW_MAX_OUTPUT_BYTES must be a positive whole number of bytes, not "${text}"`,
    );
  }
  return bytes;
}
