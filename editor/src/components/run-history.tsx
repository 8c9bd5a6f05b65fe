// The flow's recent runs; click one to show it on the canvas.
import type { RunRecord } from '../api/api-types.ts';
import { showRun } from '../run/run-session.ts';

export function RunHistory({ runs, shownId }: { runs: RunRecord[]; shownId: string | undefined }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <ol className="run-history" data-testid="run-history">
      {runs.map((run) => (
        <li key={run.id} className={run.id === shownId ? 'current' : ''}>
          <button type="button" className="link" onClick={() => showRun(run.id)}>
            <span className={`dot status-${run.status}`} aria-hidden />
            {new Date(run.createdAt).toLocaleTimeString()} · v{run.flowVersion} · {run.status}
            <span className="muted"> {describeInput(run.input)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function describeInput(input: unknown): string {
  const text = JSON.stringify(input) ?? '';
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
