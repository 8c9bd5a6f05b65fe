// Review of answer feedback: pending items with the answer's SQL and the suggested correction,
// Accept (the server runs the SQL, then keeps it as a verified example of the warehouse) or
// Reject; and the verified examples, which can be deleted.
import { useCallback, useEffect, useState } from 'react';
import {
  deleteExample,
  type FeedbackItem,
  listExamples,
  listFeedback,
  reviewFeedback,
  type VerifiedExample,
} from '../api/feedback-api.ts';
import { describeError } from '../api/http-client.ts';
import { notify } from '../state/notices-store.ts';

export function FeedbackPanel() {
  const [pending, setPending] = useState<FeedbackItem[] | null>(null);
  const [examples, setExamples] = useState<VerifiedExample[]>([]);

  const load = useCallback(async () => {
    try {
      const [items, verified] = await Promise.all([listFeedback('pending'), listExamples()]);
      setPending(items);
      setExamples(verified);
    } catch (error) {
      notify('error', `Could not load feedback: ${describeError(error)}`, 'feedback');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (work: () => Promise<void>, done: string) => {
    try {
      await work();
      notify('success', done, 'feedback');
    } catch (error) {
      notify('error', describeError(error), 'feedback');
    }
    await load();
  };

  if (pending === null) return <p className="muted">Loading…</p>;
  return (
    <div className="feedback-panel" data-testid="feedback-panel">
      <h4>Waiting for review</h4>
      {pending.length === 0 ? <p className="muted">No feedback waits for review.</p> : null}
      {pending.map((item) => (
        <article className="trigger-card" key={item.id} data-testid={`feedback-${item.id}`}>
          <header className="section-head">
            <h4>
              {item.rating === 'up' ? '▲ Right:' : '▼ Wrong:'} {item.question}
            </h4>
          </header>
          <dl>
            <dt>Answered</dt>
            <dd>
              <code>{item.chosenSql ?? '(no SQL)'}</code>
            </dd>
            {item.correctedSql ? (
              <>
                <dt>Corrected</dt>
                <dd>
                  <code data-testid="feedback-corrected">{item.correctedSql}</code>
                </dd>
              </>
            ) : null}
            {item.comment ? (
              <>
                <dt>Comment</dt>
                <dd>{item.comment}</dd>
              </>
            ) : null}
          </dl>
          <div className="copy-row">
            <button
              type="button"
              data-testid="feedback-accept"
              onClick={() =>
                act(() => reviewFeedback(item.id, true), 'Accepted: it is now a verified example.')
              }
            >
              Accept
            </button>
            <button
              type="button"
              data-testid="feedback-reject"
              onClick={() => act(() => reviewFeedback(item.id, false), 'Rejected.')}
            >
              Reject
            </button>
          </div>
        </article>
      ))}
      <h4>Verified examples</h4>
      {examples.length === 0 ? <p className="muted">No verified examples yet.</p> : null}
      {examples.map((example) => (
        <article className="trigger-card" key={example.id} data-testid={`example-${example.id}`}>
          <p>{example.question}</p>
          <pre className="sql">{example.sql}</pre>
          <button
            type="button"
            data-testid="example-delete"
            onClick={() => act(() => deleteExample(example.id), 'Example deleted.')}
          >
            Delete
          </button>
        </article>
      ))}
    </div>
  );
}
