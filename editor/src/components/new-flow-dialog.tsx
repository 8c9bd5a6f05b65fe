// Creating a flow: an id (fixed for life, used in URLs) and a name.
import { type FormEvent, useState } from 'react';
import { useStore } from 'zustand';
import { NodeIdSchema } from '../../../engine/flow-schema.ts';
import { FieldIssues, FieldShell } from '../forms/field-shell.tsx';
import { flowsStore } from '../state/flows-store.ts';
import { Modal } from './modal.tsx';

export function NewFlowDialog({
  onCreate,
  onClose,
}: {
  onCreate(id: string, name: string): void;
  onClose(): void;
}) {
  const flows = useStore(flowsStore, (state) => state.flows);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = NodeIdSchema.safeParse(id);
    if (!parsed.success) return setError(`The id ${parsed.error.issues[0]?.message ?? 'is invalid'}.`);
    if (flows.some((flow) => flow.id === id)) return setError(`A flow "${id}" exists already.`);
    onCreate(id, name.trim() || id);
  };
  return (
    <Modal
      title="New flow"
      testId="new-flow-dialog"
      onSubmit={submit}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="new-flow-create">
            Create
          </button>
        </>
      }
    >
      <FieldShell
        label="Id"
        htmlFor="new-flow-id"
        help="Letters, digits, _ and -; it names the flow in URLs and cannot change."
      >
        <input
          id="new-flow-id"
          value={id}
          onChange={(event) => setId(event.target.value)}
          placeholder="ask-sales"
          data-testid="new-flow-id"
        />
      </FieldShell>
      <FieldShell label="Name" htmlFor="new-flow-name">
        <input
          id="new-flow-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="Ask the sales data"
          data-testid="new-flow-name"
        />
      </FieldShell>
      <FieldIssues issues={error ? [error] : []} />
    </Modal>
  );
}
