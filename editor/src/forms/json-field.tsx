// Anything the other controls cannot show (free-form objects, values of any type) as JSON text.
import { useEffect, useState } from 'react';
import type { FieldProps } from './field-props.ts';
import { FieldShell, schemaShell } from './field-shell.tsx';

export function JsonField(props: FieldProps) {
  const { path, value, onChange } = props;
  const [text, setText] = useState(() => showJson(value));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    setText((current) => (sameJson(current, value) ? current : showJson(value)));
  }, [value]);
  return (
    <FieldShell {...schemaShell(props, 'JSON', parseError ? [parseError] : [])}>
      <textarea
        id={path}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        value={text}
        spellCheck={false}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === '') {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next));
            setParseError(null);
          } catch (error) {
            setParseError(`not valid JSON yet: ${(error as Error).message}`);
          }
        }}
        data-testid={`field-${path}`}
      />
    </FieldShell>
  );
}

function showJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}
