// Thumbs up / down on a finished run's answer. A down-vote may carry the SQL that would have been
// right; either way the feedback waits for review in the Feedback tab.
import { useState } from 'react';
import { type Rating, sendFeedback } from '../api/feedback-api.ts';
import { describeError } from '../api/http-client.ts';

export function AnswerFeedback({ runId }: { runId: string }) {
  const [correcting, setCorrecting] = useState(false);
  const [sql, setSql] = useState('');
  const [comment, setComment] = useState('');
  const [recorded, setRecorded] = useState<Rating | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (rating: Rating) => {
    setError(null);
    try {
      await sendFeedback(runId, {
        rating,
        ...(sql.trim() ? { sql } : {}),
        ...(comment.trim() ? { comment } : {}),
      });
      setRecorded(rating);
      setCorrecting(false);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  if (recorded) {
    return (
      <p className="answer-feedback muted" data-testid="feedback-recorded">
        Thanks: your {recorded === 'up' ? 'up-vote' : 'down-vote'} was recorded and waits for review.
      </p>
    );
  }
  return (
    <div className="answer-feedback" data-testid="answer-feedback">
      <div className="copy-row">
        <span className="muted">Was this answer right?</span>
        <button type="button" onClick={() => send('up')} data-testid="feedback-up" aria-label="Right answer">
          ▲ Right
        </button>
        <button
          type="button"
          onClick={() => setCorrecting(true)}
          data-testid="feedback-down"
          aria-label="Wrong answer"
        >
          ▼ Wrong
        </button>
      </div>
      {correcting ? (
        <div className="feedback-form">
          <label>
            Corrected SQL (optional)
            <textarea
              rows={4}
              className="sql"
              value={sql}
              onChange={(event) => setSql(event.target.value)}
              data-testid="feedback-sql"
            />
          </label>
          <label>
            Comment (optional)
            <input
              value={comment}
              onChange={(event) => setComment(event.target.value)}
              data-testid="feedback-comment"
            />
          </label>
          <button type="button" onClick={() => send('down')} data-testid="feedback-send">
            Send feedback
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="feedback-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
