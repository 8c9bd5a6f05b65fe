// A number parameter with the bounds its schema declares. The text is kept as typed, so "0." or
// "-" can be finished; only parseable numbers reach the draft.
import { useEffect, useState } from 'react';
import type { FieldProps } from './field-props.ts';
import { FieldShell, schemaShell } from './field-shell.tsx';
import { describeBounds, numberBounds } from './json-schema.ts';

export function NumberField(props: FieldProps) {
  const { schema, path, value, onChange } = props;
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  // Follow outside changes (undo, restore) without rewriting what the user is typing.
  useEffect(() => {
    setText((current) => {
      if (current !== '' && Number(current) === value) return current;
      return typeof value === 'number' ? String(value) : '';
    });
  }, [value]);
  const bounds = numberBounds(schema);
  const hint = [
    describeBounds(schema),
    schema.default !== undefined ? `default: ${String(schema.default)}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  return (
    <FieldShell {...schemaShell(props, hint || undefined)}>
      <input
        id={path}
        type="number"
        value={text}
        min={bounds.min}
        max={bounds.max}
        step={bounds.step}
        placeholder={schema.default !== undefined ? String(schema.default) : ''}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next === '') onChange(undefined);
          else if (Number.isFinite(Number(next))) onChange(Number(next));
        }}
        data-testid={`field-${path}`}
      />
    </FieldShell>
  );
}
