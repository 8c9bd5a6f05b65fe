// The scheduling rules, as functions over an active run and the current tick:
// - a node waits until every node feeding it is finished (joins wait for all live inputs);
// - an edge is live when its source succeeded and emitted that port (control.branch emits one);
// - a node whose required input is dead, or whose inputs are all dead, is skipped, and skips
//   propagate downstream; nodes without inputs start at once; ready nodes all dispatch together;
// - a failure retries with backoff while attempts remain, then follows the node's `onError`: fail
//   the run (cancelling what still runs), or keep the node `failed` with the outputs its policy
//   gives (error-policy.ts: the error output, or only the `error` port), which feed downstream
//   like a success's outputs; ports it does not emit skip their branch.

import { backoffDelayMs } from '../backoff.ts';
import { onErrorOf, outputsOnFailure } from '../error-policy.ts';
import type { SerializedError } from '../errors.ts';
import { addCost, type NodeCost, zeroCost } from '../node-cost.ts';
import { nextNodeStatus, nextRunStatus, TERMINAL_NODE_STATUSES } from '../run-machine.ts';
import type { JobResult } from '../transport.ts';
import { jobIdFor } from '../transport.ts';
import type { ResolvedNode } from '../validate-flow.ts';
import type { ActiveNode, ActiveRun } from './active-run.ts';
import { computeRunOutput } from './run-output.ts';
import type { Tick } from './tick.ts';

/** Errors that another attempt cannot fix, whatever their `retryable` flag says. */
const NOT_RETRIED = new Set(['NODE_CANCELLED', 'NODE_BAD_INPUT']);

/** Whether a failed attempt should be tried again: attempts left, and nothing says it is futile. */
function shouldRetry(error: SerializedError, attempt: number, attempts: number): boolean {
  return attempt < attempts && !NOT_RETRIED.has(error.code) && error.retryable !== false;
}

type Readiness =
  | { kind: 'wait' }
  | { kind: 'skip'; reason: string }
  | { kind: 'ready'; inputs: Record<string, unknown> };

export function advanceRun(run: ActiveRun, tick: Tick): void {
  if (run.status !== 'running') return;
  for (const id of run.flow.order) {
    const node = run.nodes.get(id)!;
    if (node.status === 'pending') {
      const readiness = readinessOf(run, run.flow.nodes.get(id)!);
      if (readiness.kind === 'skip') {
        node.status = nextNodeStatus(node.status, 'SKIP');
        tick.patchNode(run.id, id, { status: node.status, finishedAt: tick.now });
        tick.event(run.id, 'node.skipped', id, { reason: readiness.reason });
      } else if (readiness.kind === 'ready') {
        node.status = nextNodeStatus(node.status, 'READY');
        dispatchNode(run, node, readiness.inputs, tick);
      }
    } else if (node.status === 'ready' && (node.retryAt === null || node.retryAt <= tick.now)) {
      const readiness = readinessOf(run, run.flow.nodes.get(id)!);
      if (readiness.kind === 'ready') dispatchNode(run, node, readiness.inputs, tick);
    }
  }
  if ([...run.nodes.values()].every((node) => TERMINAL_NODE_STATUSES.has(node.status))) {
    run.status = nextRunStatus(run.status, 'SUCCEED');
    tick.changes.push({
      kind: 'updateRun',
      runId: run.id,
      patch: { status: run.status, output: computeRunOutput(run), finishedAt: tick.now },
    });
    tick.event(run.id, 'run.succeeded');
  }
}

function readinessOf(run: ActiveRun, resolved: ResolvedNode): Readiness {
  if (resolved.incoming.size === 0) return { kind: 'ready', inputs: {} };
  const inputs: Record<string, unknown> = {};
  const deadRequired: string[] = [];
  let live = 0;
  for (const [input, source] of resolved.incoming) {
    const upstream = run.nodes.get(source.node)!;
    if (!TERMINAL_NODE_STATUSES.has(upstream.status)) return { kind: 'wait' };
    // A failed node that did not fail the run may still emit outputs (its onError policy's).
    const emits = upstream.status === 'succeeded' || upstream.status === 'failed';
    const value = emits ? upstream.outputs?.[source.port] : undefined;
    if (value === undefined) {
      if (resolved.inputs[input]?.kind !== 'optional-port') deadRequired.push(input);
      continue;
    }
    inputs[input] = value;
    live++;
  }
  if (deadRequired.length > 0)
    return { kind: 'skip', reason: `no value for required input ${deadRequired.join(', ')}` };
  if (live === 0) return { kind: 'skip', reason: 'every input branch was skipped' };
  return { kind: 'ready', inputs };
}

/** Sends a node's current attempt again (after a restart): nodes are written to be safe to re-run. */
export function redispatchNode(run: ActiveRun, node: ActiveNode, tick: Tick): void {
  const readiness = readinessOf(run, run.flow.nodes.get(node.id)!);
  if (readiness.kind === 'ready') dispatchNode(run, node, readiness.inputs, tick, true);
}

/** Starts the node's next attempt, or with `sameAttempt` sends the current one again. */
function dispatchNode(
  run: ActiveRun,
  node: ActiveNode,
  inputs: Record<string, unknown>,
  tick: Tick,
  sameAttempt = false,
): void {
  const resolved = run.flow.nodes.get(node.id)!;
  if (!sameAttempt) {
    node.status = nextNodeStatus(node.status, 'START');
    node.attempt += 1;
  }
  node.retryAt = null;
  node.jobId = jobIdFor(run.id, node.id, node.attempt);
  tick.patchNode(run.id, node.id, {
    status: node.status,
    attempt: node.attempt,
    input: inputs,
    retryAt: null,
    queuedAt: tick.now,
    error: null,
  });
  tick.event(run.id, 'node.running', node.id, { attempt: node.attempt });
  const timeoutMs = resolved.node.options.timeoutMs;
  tick.jobs.push({
    jobId: node.jobId,
    runId: run.id,
    nodeId: node.id,
    attempt: node.attempt,
    nodeKey: resolved.definition.key,
    lane: resolved.definition.lane,
    params: resolved.node.params,
    inputs,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(resolved.definition.family === 'trigger' ? { runInput: run.input } : {}),
  });
}

/** Records a job's result; returns the retry time when the node should be tried again. */
export function applyResult(run: ActiveRun, result: JobResult, tick: Tick): number | null {
  const node = run.nodes.get(result.nodeId);
  // Results of attempts the run has moved past (retried, cancelled, re-dispatched), results for a
  // node that already finished, and duplicate deliveries of an older dispatch are all ignored, so
  // nothing downstream runs twice.
  if (!isCurrentResult(run, node, result)) return null;
  node.jobId = null;
  const timing = {
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationMs: Math.max(0, result.finishedAt - result.startedAt),
  };
  const spent = chargeCost(run, node, result.cost, tick);
  // Events carry the attempt's own cost (metrics count it); rows carry the sums.
  const costData = result.cost ? { cost: result.cost } : {};
  if (result.outcome.ok) {
    node.status = nextNodeStatus(node.status, 'SUCCEED');
    node.outputs = result.outcome.outputs;
    tick.patchNode(run.id, node.id, {
      status: node.status,
      output: node.outputs,
      error: null,
      ...timing,
      ...spent,
    });
    recordAttempt(run, node, 'succeeded', null, timing, tick, result.cost);
    tick.event(run.id, 'node.succeeded', node.id, {
      attempt: node.attempt,
      durationMs: timing.durationMs,
      ...costData,
    });
    return null;
  }
  const error = result.outcome.error;
  const resolved = run.flow.nodes.get(node.id)!;
  const attempts = resolved.node.options.retry?.attempts ?? 1;
  recordAttempt(run, node, 'failed', error, timing, tick, result.cost);
  if (shouldRetry(error, node.attempt, attempts)) {
    node.status = nextNodeStatus(node.status, 'RETRY');
    node.retryAt = tick.now + backoffDelayMs(resolved.node.options.retry?.backoffMs ?? 1000, node.attempt);
    tick.patchNode(run.id, node.id, {
      status: node.status,
      error,
      retryAt: node.retryAt,
      ...timing,
      ...spent,
    });
    tick.event(run.id, 'node.retrying', node.id, {
      attempt: node.attempt,
      error,
      retryAt: node.retryAt,
      ...costData,
    });
    return node.retryAt;
  }
  node.status = nextNodeStatus(node.status, 'FAIL');
  const options = resolved.node.options;
  node.outputs = outputsOnFailure(node.id, options, error, node.attempt);
  tick.patchNode(run.id, node.id, {
    status: node.status,
    error,
    output: node.outputs,
    ...timing,
    ...spent,
  });
  tick.event(run.id, 'node.failed', node.id, {
    attempt: node.attempt,
    error,
    ...(node.outputs === null ? {} : { onError: onErrorOf(options) }),
    ...costData,
  });
  if (node.outputs === null) {
    endRun(
      run,
      'FAIL',
      { ...error, nodeId: node.id, message: `node "${node.id}" failed: ${error.message}` },
      tick,
    );
  }
  return null;
}

/** Whether `result` answers the dispatch the node is waiting for right now. */
export function isCurrentResult(
  run: ActiveRun,
  node: ActiveNode | undefined,
  result: JobResult,
): node is ActiveNode {
  if (run.status !== 'running' || node?.status !== 'running') return false;
  if (node.attempt !== result.attempt) return false;
  return node.jobId === null || node.jobId === result.jobId;
}

/** Fails or cancels the run: running jobs are cancelled, waiting nodes are cancelled. */
export function endRun(
  run: ActiveRun,
  event: 'FAIL' | 'CANCEL',
  error: SerializedError | null,
  tick: Tick,
): void {
  if (run.status !== 'running' && run.status !== 'queued') return;
  for (const node of run.nodes.values()) {
    if (TERMINAL_NODE_STATUSES.has(node.status)) continue;
    if (node.status === 'running' && node.jobId) tick.cancels.push(node.jobId);
    const wasRunning = node.status === 'running';
    node.status = nextNodeStatus(node.status, 'CANCEL');
    node.jobId = null;
    tick.patchNode(run.id, node.id, { status: node.status, finishedAt: tick.now });
    if (wasRunning)
      recordAttempt(run, node, 'cancelled', null, { startedAt: null, finishedAt: tick.now }, tick);
    tick.event(run.id, 'node.cancelled', node.id);
  }
  run.status = nextRunStatus(run.status, event);
  run.error = error;
  tick.changes.push({
    kind: 'updateRun',
    runId: run.id,
    patch: { status: run.status, error, finishedAt: tick.now },
  });
  tick.event(run.id, event === 'FAIL' ? 'run.failed' : 'run.cancelled', null, error ? { error } : null);
}

function recordAttempt(
  run: ActiveRun,
  node: ActiveNode,
  status: 'succeeded' | 'failed' | 'cancelled',
  error: SerializedError | null,
  timing: { startedAt: number | null; finishedAt: number },
  tick: Tick,
  cost: NodeCost | undefined = undefined,
): void {
  tick.changes.push({
    kind: 'insertAttempt',
    attempt: {
      runId: run.id,
      nodeId: node.id,
      attempt: node.attempt,
      status,
      error,
      ...timing,
      cost: cost ?? null,
    },
  });
}

/**
 * Adds an attempt's cost to its node run and its run; the run's new sum is patched here, the
 * node's is returned for the caller's own patch of that node.
 */
function chargeCost(
  run: ActiveRun,
  node: ActiveNode,
  cost: NodeCost | undefined,
  tick: Tick,
): { cost?: NodeCost } {
  if (!cost) return {};
  node.cost = addCost(node.cost ?? zeroCost(), cost);
  run.cost = addCost(run.cost ?? zeroCost(), cost);
  tick.changes.push({ kind: 'updateRun', runId: run.id, patch: { cost: run.cost } });
  return { cost: node.cost };
}
