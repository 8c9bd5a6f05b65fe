// An array parameter: one control (or one group, for arrays of objects such as a trigger's
// fields) per item, with add and remove.
import type { FieldProps } from './field-props.ts';
import { FieldIssues } from './field-shell.tsx';
import { emptyValueFor } from './json-schema.ts';
import { SchemaField } from './schema-field.tsx';

export function ListField({ schema, label, path, value, required, onChange, issuesAt }: FieldProps) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
  const replace = (next: unknown[]) => onChange(next.length === 0 && !required ? undefined : next);
  return (
    <fieldset className="field-group field-list" data-field={path}>
      <legend>
        {label}
        {required ? <span className="field-required"> *</span> : null}
      </legend>
      {schema.description ? <p className="field-help">{schema.description}</p> : null}
      <FieldIssues issues={issuesAt(path)} />
      {items.map((item, index) => (
        // Items have no identity of their own; the index is what the server's paths use too.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div className="list-item" key={index}>
          <SchemaField
            schema={itemSchema}
            label={`${label} ${index + 1}`}
            path={`${path}[${index}]`}
            value={item}
            required
            issuesAt={issuesAt}
            onChange={(next) => replace(items.map((old, i) => (i === index ? next : old)))}
          />
          <button
            type="button"
            className="small danger"
            onClick={() => replace(items.filter((_, i) => i !== index))}
            data-testid={`remove-${path}[${index}]`}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="small"
        disabled={full}
        onClick={() => replace([...items, emptyValueFor(itemSchema)])}
        data-testid={`add-${path}`}
      >
        Add {itemSchema.type === 'object' ? 'item' : 'value'}
      </button>
    </fieldset>
  );
}
