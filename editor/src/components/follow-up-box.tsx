// After an answer: ask the next question in the same thread ("and only for 2023?"). The server
// puts the thread's earlier questions and their SQL before it in the model's prompt.
import { type FormEvent, useState } from 'react';

export function FollowUpBox({ busy, onAsk }: { busy: boolean; onAsk(question: string): void }) {
  const [question, setQuestion] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (text === '') return;
    onAsk(text);
    setQuestion('');
  };
  return (
    <form className="follow-up" onSubmit={submit} data-testid="follow-up">
      <label htmlFor="follow-up-input">Ask a follow-up</label>
      <div className="follow-up-row">
        <input
          id="follow-up-input"
          type="text"
          placeholder="e.g. and only for 2023?"
          value={question}
          onChange={(event) => setQuestion(event.target.value)}
          data-testid="follow-up-input"
        />
        <button
          type="submit"
          className="primary"
          disabled={busy || question.trim() === ''}
          data-testid="follow-up-button"
        >
          Ask
        </button>
      </div>
    </form>
  );
}
