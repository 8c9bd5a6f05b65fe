// Publishing the open flow: a note saying why, then the version; when the flow's test set refuses
// it, the questions answered wrong, and nothing is published.
import { type FormEvent, useState } from 'react';
import type { GateReport } from '../api/api-types.ts';
import { publishCurrentFlow } from '../state/flow-actions.ts';
import { Modal } from './modal.tsx';

const percent = (share: number) => `${(100 * share).toFixed(0)} %`;

export function PublishDialog({ onClose }: { onClose(): void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [gate, setGate] = useState<GateReport | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const refused = await publishCurrentFlow(note.trim());
      if (refused) setGate(refused);
      else onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Publish"
      testId="publish-dialog"
      onSubmit={submit}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="publish-confirm">
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </>
      }
    >
      <p className="muted">
        Publishing makes what you see an immutable version; the flow's webhooks and schedules run it from then
        on. A flow with a test set publishes only when enough of its questions are answered right.
      </p>
      <label htmlFor="publish-note">Note (what changed, why)</label>
      <textarea
        id="publish-note"
        rows={3}
        maxLength={1000}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        data-testid="publish-note"
      />
      {gate ? (
        <div className="publish-gate" role="alert" data-testid="publish-failures">
          <p>
            Not published: {gate.correct} of {gate.total} test questions answered right (
            {percent(gate.executionAccuracy)}), below the {percent(gate.minExecutionAccuracy)} this flow asks
            for.
          </p>
          <ol>
            {gate.failures.map((failure) => (
              <li key={failure.number} data-testid={`publish-failure-${failure.number}`}>
                <strong>#{failure.number}</strong> {failure.question} — {failure.outcome}
                {failure.error ? `: ${failure.error.message}` : ''}
                {failure.predictedSql ? <code>{failure.predictedSql}</code> : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </Modal>
  );
}
