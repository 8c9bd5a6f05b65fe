// The turns of a thread before the shown run: each earlier question with the SQL chosen for it.
// Clicking one shows that run.
import type { ThreadTurnView } from '../run/follow-up.ts';
import { showRun } from '../run/run-session.ts';

export function ThreadTurns({ turns }: { turns: ThreadTurnView[] }) {
  return (
    <ol className="thread-turns" data-testid="thread-turns">
      {turns.map((turn) => (
        <li key={turn.runId} data-testid="thread-turn">
          <button type="button" className="link" onClick={() => showRun(turn.runId)}>
            <span className={`dot status-${turn.status}`} aria-hidden />
            {turn.question || '(no question)'}
          </button>
          {turn.sql ? <pre className="sql thread-turn-sql">{turn.sql}</pre> : null}
        </li>
      ))}
    </ol>
  );
}
