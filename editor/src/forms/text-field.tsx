// A string parameter; secrets are masked (password input, never autofilled) with a show toggle.
import { useState } from 'react';
import type { FieldProps } from './field-props.ts';
import { FieldShell, schemaShell } from './field-shell.tsx';
import { isSecret } from './json-schema.ts';

export function TextField(props: FieldProps) {
  const { schema, path, value, onChange } = props;
  const secret = isSecret(schema);
  const [revealed, setRevealed] = useState(false);
  const hint = schema.default !== undefined ? `default: ${String(schema.default)}` : undefined;
  return (
    <FieldShell {...schemaShell(props, hint)}>
      <div className="field-row">
        <input
          id={path}
          type={secret && !revealed ? 'password' : 'text'}
          autoComplete={secret ? 'new-password' : 'off'}
          value={typeof value === 'string' ? value : ''}
          placeholder={schema.default !== undefined ? String(schema.default) : ''}
          maxLength={schema.maxLength}
          onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
          data-testid={`field-${path}`}
        />
        {secret ? (
          <button type="button" className="small" onClick={() => setRevealed(!revealed)}>
            {revealed ? 'hide' : 'show'}
          </button>
        ) : null}
      </div>
    </FieldShell>
  );
}
