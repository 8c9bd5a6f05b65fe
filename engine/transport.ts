// How node jobs travel from the orchestrator to whatever runs them. The inline transport runs
// them in this process; the queue transport (workers/) carries them over BullMQ. Retries,
// backoff, timeouts and cancel are decided by the engine, so both behave the same.

import type { RunAccess } from './actor.ts';
import type { Lane, NodeProgress } from './define-node.ts';
import type { SerializedError } from './errors.ts';
import type { NodeCost } from './node-cost.ts';
import type { SqlAuditRecord } from './sql-audit.ts';

export interface NodeJob {
  /** `<runId>-<nodeId>-<attempt>`: a repeated dispatch of the same attempt is the same job. */
  jobId: string;
  runId: string;
  nodeId: string;
  attempt: number;
  /** `type@version`. */
  nodeKey: string;
  lane: Lane;
  params: unknown;
  inputs: Record<string, unknown>;
  timeoutMs?: number;
  /** Present for trigger nodes only: the run's input. */
  runInput?: unknown;
  /** The limits of whoever started the run (ctx.access); absent: none of the caller's own. */
  access?: RunAccess;
  /**
   * How many times a transport has handed this job to a node, 1 the first time; a queue that
   * redelivers a job after a lost worker says 2, 3, … (the node sees it as `ctx.delivery`).
   */
  delivery?: number;
}

export type JobOutcome =
  | { ok: true; outputs: Record<string, unknown> }
  | { ok: false; error: SerializedError };

export interface JobResult {
  jobId: string;
  runId: string;
  nodeId: string;
  attempt: number;
  outcome: JobOutcome;
  /** Epoch ms when the node started and ended where it ran. */
  startedAt: number;
  finishedAt: number;
  /** The SQL statements the node ran, for the audit log (failed and cancelled jobs too). */
  audit?: SqlAuditRecord[];
  /** What the attempt cost, as its node reported it; absent when it reported nothing. */
  cost?: NodeCost;
}

export interface JobProgress {
  jobId: string;
  runId: string;
  nodeId: string;
  attempt: number;
  progress: NodeProgress;
}

export interface Transport {
  readonly name: string;
  /** Hands jobs over; resolves once they are accepted (not run). */
  submit(jobs: readonly NodeJob[]): Promise<void>;
  onSettled(listener: (result: JobResult) => void): void;
  onProgress(listener: (progress: JobProgress) => void): void;
  /** Asks the job to stop (its signal is aborted); a result may still arrive and is then ignored. */
  cancel(jobId: string): Promise<void>;
  /**
   * Takes over runs another driver left (a restart, a dead process of a cluster): returns the job
   * ids of theirs still queued or running (or whose result waits), and from now on their results
   * come here.
   */
  reconcile(runIds: readonly string[]): Promise<Set<string>>;
  /** The effects of these jobs' results are stored (or were of no use): the transport may forget them. */
  acknowledge(jobIds: readonly string[]): void;
  /** These runs are no longer driven here (finished, or taken over elsewhere); their results are not this process's. */
  release(runIds: readonly string[]): void;
  close(): Promise<void>;
}

export function jobIdFor(runId: string, nodeId: string, attempt: number): string {
  return `${runId}-${nodeId}-${attempt}`;
}
