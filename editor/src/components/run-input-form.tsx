// The input of a new run, one control per trigger field, and questions to try when the server knows
// some. Runs the saved flow; unsaved edits are saved first (a run always pins a stored version).
import { type FormEvent, useState } from 'react';
import { FieldIssues, FieldShell } from '../forms/field-shell.tsx';
import { buildRunInput, type InputField, type InputValues } from '../run/run-input.ts';

interface RunInputFormProps {
  fields: InputField[];
  /** Questions to try (the demo replay's), offered for a text field named `question`. */
  suggestions: readonly string[];
  busy: boolean;
  runLabel: string;
  onRun(input: Record<string, unknown>): void;
}

export function RunInputForm({ fields, suggestions, busy, runLabel, onRun }: RunInputFormProps) {
  const [values, setValues] = useState<InputValues>({});
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildRunInput(fields, values);
    if (!built.ok) return setError(built.message);
    setError(null);
    onRun(built.input);
  };
  const set = (name: string, value: string | boolean) =>
    setValues((current) => ({ ...current, [name]: value }));
  return (
    <form className="run-form" onSubmit={submit} data-testid="run-form">
      {fields.length === 0 ? <p className="muted">The trigger asks for no input.</p> : null}
      {fields.map((field) => (
        <FieldShell
          key={field.name}
          label={`${field.name} (${field.type})`}
          htmlFor={`run-input-${field.name}`}
          required={field.required}
          help={field.description}
        >
          <RunInputControl
            field={field}
            value={values[field.name]}
            onChange={(value) => set(field.name, value)}
          />
        </FieldShell>
      ))}
      {suggestions.length > 0 && fields.some(isQuestionField) ? (
        <>
          <p className="muted">Questions the demo knows (click one to use it):</p>
          <ul className="run-suggestions" data-testid="run-suggestions">
            {suggestions.map((question) => (
              <li key={question}>
                <button type="button" className="link" onClick={() => set('question', question)}>
                  {question}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <FieldIssues issues={error ? [error] : []} />
      <button type="submit" className="primary" disabled={busy} data-testid="run-button">
        {runLabel}
      </button>
    </form>
  );
}

interface RunInputControlProps {
  field: InputField;
  value: string | boolean | undefined;
  onChange(value: string | boolean): void;
}

/** A checkbox, a text or number input, or JSON text, by the field's type. */
function RunInputControl({ field, value, onChange }: RunInputControlProps) {
  const id = `run-input-${field.name}`;
  if (field.type === 'boolean') {
    return (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={id}
      />
    );
  }
  if (field.type === 'string' || field.type === 'number' || field.type === 'integer') {
    return (
      <input
        id={id}
        type={field.type === 'string' ? 'text' : 'number'}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value)}
        data-testid={id}
      />
    );
  }
  return (
    <textarea
      id={id}
      rows={3}
      placeholder="JSON"
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
      data-testid={id}
    />
  );
}

function isQuestionField(field: InputField): boolean {
  return field.name === 'question' && field.type === 'string';
}
