// A choice among fixed values; the empty choice leaves the node's default in place.
import type { FieldProps } from './field-props.ts';
import { FieldShell, schemaShell } from './field-shell.tsx';

export function EnumField(props: FieldProps) {
  const { schema, path, value, onChange } = props;
  const options = schema.enum ?? [];
  const index = options.indexOf(value);
  return (
    <FieldShell {...schemaShell(props)}>
      <select
        id={path}
        value={index === -1 ? '' : String(index)}
        onChange={(event) =>
          onChange(event.target.value === '' ? undefined : options[Number(event.target.value)])
        }
        data-testid={`field-${path}`}
      >
        <option value="">{schema.default !== undefined ? `default (${String(schema.default)})` : '—'}</option>
        {options.map((option, i) => (
          <option key={String(option)} value={String(i)}>
            {String(option)}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
