// The flow's recent runs; click one to show it on the canvas. A thread's first run is marked, its
// follow-ups indented under a badge.
import type { RunRecord } from '../api/api-types.ts';
import { formatTokens } from '../run/format-cost.ts';
import { showRun } from '../run/run-session.ts';

export function RunHistory({ runs, shownId }: { runs: RunRecord[]; shownId: string | undefined }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <ol className="run-history" data-testid="run-history">
      {runs.map((run) => (
        <li key={run.id} className={classes(run, shownId)}>
          <button type="button" className="link" onClick={() => showRun(run.id)}>
            <span className={`dot status-${run.status}`} aria-hidden />
            {run.threadId !== null ? (
              <span className="thread-badge" title={`thread ${run.threadId}`} data-testid="thread-badge">
                {run.threadId === run.id ? 'thread' : '↳ follow-up'}
              </span>
            ) : null}
            {new Date(run.createdAt).toLocaleTimeString()} · v{run.flowVersion} · {run.status}
            {run.cost ? (
              <span data-testid="run-history-cost">{` · ${formatTokens(run.cost) || 'no tokens'}`}</span>
            ) : null}
            <span className="muted"> {describeInput(run.input)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function classes(run: RunRecord, shownId: string | undefined): string {
  const names = [
    run.id === shownId ? 'current' : '',
    run.threadId !== null && run.threadId !== run.id ? 'follow-up' : '',
  ];
  return names.filter(Boolean).join(' ');
}

/** The input at a glance; a follow-up's history (the earlier turns) would crowd out its question. */
function describeInput(input: unknown): string {
  const shown =
    typeof input === 'object' && input !== null && 'history' in input
      ? Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'history'))
      : input;
  const text = JSON.stringify(shown) ?? '';
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
