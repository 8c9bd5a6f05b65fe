// The shown run at a glance: status, version, how long, and cancel / re-run.
import type { RunRecord } from '../api/api-types.ts';
import { formatCost } from '../run/format-cost.ts';
import { cancelShownRun, rerunShown } from '../run/run-session.ts';
import { formatDuration } from './format-duration.ts';

const ACTIVE = new Set(['queued', 'running']);

export function RunSummary({ run }: { run: RunRecord }) {
  const active = ACTIVE.has(run.status);
  const cost = formatCost(run.cost);
  const took =
    run.startedAt !== null && run.finishedAt !== null ? formatDuration(run.finishedAt - run.startedAt) : null;
  return (
    <div className="run-summary" data-testid="run-summary">
      <span className={`pill status-${run.status}`} data-testid="run-status">
        {active ? <span className="spinner" aria-hidden /> : null}
        {run.status}
      </span>
      <span className="muted">
        run {run.id.slice(0, 10)}… · version {run.flowVersion}
        {took ? ` · ${took}` : ''}
        {run.rerunOf ? ' · re-run' : ''}
      </span>
      {cost ? (
        <span
          className="run-cost"
          data-testid="run-cost"
          title="What the run cost: model tokens in → out, model and SQL time, rows"
        >
          {cost}
        </span>
      ) : null}
      {active ? (
        <button
          type="button"
          className="small danger"
          onClick={() => cancelShownRun()}
          data-testid="cancel-run"
        >
          Cancel
        </button>
      ) : (
        <button type="button" className="small" onClick={() => rerunShown()} data-testid="rerun">
          Re-run
        </button>
      )}
      {run.error ? (
        <p className="run-error" data-testid="run-error">
          {run.error.nodeId ? `${run.error.nodeId}: ` : ''}
          {run.error.message}
        </p>
      ) : null}
    </div>
  );
}
