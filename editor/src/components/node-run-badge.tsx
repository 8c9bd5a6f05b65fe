// A node's state in the shown run: a spinner while it runs, then how long it took and which try.
import type { NodeRunView } from '../run/apply-run-event.ts';
import { formatDuration } from './format-duration.ts';

export function NodeRunBadge({ view }: { view: NodeRunView }) {
  return (
    <div className="node-run" data-testid="node-run-state" title={view.message}>
      {view.status === 'running' || view.status === 'retrying' ? (
        <span className="spinner" aria-hidden />
      ) : null}
      <span className="node-run-status">{view.pinned ? 'pinned' : view.reused ? 'reused' : view.status}</span>
      {view.durationMs !== undefined ? (
        <span className="node-run-duration">{formatDuration(view.durationMs)}</span>
      ) : null}
      {view.attempt > 1 ? <span className="node-run-attempt">try {view.attempt}</span> : null}
      {view.handled ? (
        <span className="node-run-handled" data-testid="node-run-handled">
          handled
        </span>
      ) : null}
    </div>
  );
}
