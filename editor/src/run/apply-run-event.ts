// Folds run events (the SSE stream) and stored node runs into what each node shows: its state,
// attempt, duration, latest progress message or error.
import type { NodeRunRecord, RunEvent, RunRecord } from '../api/api-types.ts';

export interface NodeRunView {
  status: NodeRunRecord['status'] | 'retrying';
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  message?: string;
  reused?: boolean;
  /** The output came from the flow's pin: the node did not run. */
  pinned?: boolean;
  /** It failed, and its onError policy let the run go on (error output or error port). */
  handled?: boolean;
}

const RUN_STATUS_OF_EVENT: Partial<Record<RunEvent['type'], RunRecord['status']>> = {
  'run.queued': 'queued',
  'run.started': 'running',
  'run.succeeded': 'succeeded',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
};

export function runStatusAfter(event: RunEvent): RunRecord['status'] | undefined {
  return RUN_STATUS_OF_EVENT[event.type];
}

export function applyRunEvent(
  nodes: Readonly<Record<string, NodeRunView>>,
  event: RunEvent,
): Readonly<Record<string, NodeRunView>> {
  if (!event.nodeId) return nodes;
  const previous = nodes[event.nodeId] ?? { status: 'pending', attempt: 0 };
  const data = event.data ?? {};
  const attempt = typeof data.attempt === 'number' ? data.attempt : previous.attempt;
  const next = nextView(previous, event.type, attempt, event.at, data);
  return next ? { ...nodes, [event.nodeId]: next } : nodes;
}

function nextView(
  previous: NodeRunView,
  type: RunEvent['type'],
  attempt: number,
  at: number,
  data: Record<string, unknown>,
): NodeRunView | null {
  switch (type) {
    case 'node.ready':
      return { status: 'ready', attempt };
    case 'node.running':
      return { status: 'running', attempt, startedAt: at };
    case 'node.progress':
      return typeof data.message === 'string' ? { ...previous, message: data.message } : previous;
    case 'node.succeeded':
      return { ...withoutMessage(previous), status: 'succeeded', attempt, ...duration(data) };
    case 'node.failed':
      return {
        ...previous,
        status: 'failed',
        attempt,
        message: errorMessage(data.error),
        ...(typeof data.onError === 'string' ? { handled: true } : {}),
      };
    case 'node.retrying':
      return { ...previous, status: 'retrying', attempt, message: `retrying: ${errorMessage(data.error)}` };
    case 'node.skipped':
      return {
        status: 'skipped',
        attempt,
        ...(typeof data.reason === 'string' ? { message: data.reason } : {}),
      };
    case 'node.cancelled':
      return { ...previous, status: 'cancelled', attempt };
    default:
      return null;
  }
}

/** Node views from the stored node runs (GET /api/runs/:id), e.g. for a finished run. */
export function viewsFromNodeRuns(records: readonly NodeRunRecord[]): Record<string, NodeRunView> {
  const views: Record<string, NodeRunView> = {};
  for (const record of records) {
    views[record.nodeId] = {
      status: record.status,
      attempt: record.attempt,
      ...(record.startedAt === null ? {} : { startedAt: record.startedAt }),
      ...(record.durationMs === null ? {} : { durationMs: record.durationMs }),
      ...(record.error ? { message: record.error.message } : {}),
      ...(record.reused ? { reused: true } : {}),
      ...(record.pinned ? { pinned: true } : {}),
      // A failed node keeps outputs only when its onError policy let the run go on.
      ...(record.status === 'failed' && record.output !== null ? { handled: true } : {}),
    };
  }
  return views;
}

function withoutMessage(view: NodeRunView): NodeRunView {
  const { message: _message, ...rest } = view;
  return rest;
}

function duration(data: Record<string, unknown>): { durationMs?: number } {
  return typeof data.durationMs === 'number' ? { durationMs: data.durationMs } : {};
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'failed';
}
