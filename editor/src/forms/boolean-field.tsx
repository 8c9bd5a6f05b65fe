// An on/off parameter; unset shows the default.
import type { FieldProps } from './field-props.ts';
import { FieldShell, schemaShell } from './field-shell.tsx';

export function BooleanField(props: FieldProps) {
  const { schema, path, value, onChange } = props;
  const checked = typeof value === 'boolean' ? value : schema.default === true;
  return (
    <FieldShell {...schemaShell(props)}>
      <input
        id={path}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={`field-${path}`}
      />
    </FieldShell>
  );
}
