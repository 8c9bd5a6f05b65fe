// The lifecycles of a run and of each node in it, as XState v5 machines. The stored status is
// the source of truth: the scheduler rebuilds a snapshot from it and applies the pure
// `transition()`, so nothing depends on an interpreter surviving a restart (XState does not
// restore `after` delays from snapshots; the scheduler owns timers).
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import { setup, transition } from 'xstate';
import { R1flowError } from './errors.ts';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'pending' | 'ready' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export type RunEventType = 'START' | 'SUCCEED' | 'FAIL' | 'CANCEL';
export type NodeEventType = 'READY' | 'START' | 'SUCCEED' | 'FAIL' | 'RETRY' | 'SKIP' | 'CANCEL';

export const runMachine = setup({ types: { events: {} as { type: RunEventType } } }).createMachine({
  id: 'run',
  initial: 'queued',
  states: {
    queued: { on: { START: 'running', FAIL: 'failed', CANCEL: 'cancelled' } },
    running: { on: { SUCCEED: 'succeeded', FAIL: 'failed', CANCEL: 'cancelled' } },
    succeeded: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export const nodeMachine = setup({ types: { events: {} as { type: NodeEventType } } }).createMachine({
  id: 'node',
  initial: 'pending',
  states: {
    pending: { on: { READY: 'ready', SKIP: 'skipped', CANCEL: 'cancelled' } },
    // `ready` also holds a node waiting out its retry backoff (the stored retry_at says until when).
    ready: { on: { START: 'running', CANCEL: 'cancelled' } },
    running: { on: { SUCCEED: 'succeeded', FAIL: 'failed', RETRY: 'ready', CANCEL: 'cancelled' } },
    succeeded: { type: 'final' },
    failed: { type: 'final' },
    skipped: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);
export const TERMINAL_NODE_STATUSES: ReadonlySet<NodeStatus> = new Set([
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);

export const nextRunStatus = memoizedStep<RunStatus, RunEventType>(runMachine);
export const nextNodeStatus = memoizedStep<NodeStatus, NodeEventType>(nodeMachine);

/**
 * Both machines have no context, guards or actions, so `transition()` is a pure function of
 * (state, event): its answers are remembered, which takes ~30 µs per call off the hot path.
 */
function memoizedStep<S extends string, E extends string>(
  machine: AnyStateMachine,
): (current: S, event: E) => S {
  const answers = new Map<string, S>();
  return (current, event) => {
    const key = `${current}\u0000${event}`;
    const known = answers.get(key);
    if (known !== undefined) return known;
    const snapshot: SnapshotFrom<AnyStateMachine> = machine.resolveState({ value: current, context: {} });
    const [next] = transition(machine, snapshot, { type: event });
    // Neither machine has self-transitions, so an unchanged state means the event was not accepted.
    if (next.value === current) {
      throw new R1flowError('ILLEGAL_TRANSITION', `${machine.id} cannot go from ${current} on ${event}`);
    }
    answers.set(key, next.value as S);
    return next.value as S;
  };
}
