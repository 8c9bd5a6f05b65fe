// The properties of an object schema, one control each; the value is kept without unset keys.
import type { FieldProps } from './field-props.ts';
import type { JsonSchema } from './json-schema.ts';
import { SchemaField } from './schema-field.tsx';

type ObjectPropertiesProps = Pick<FieldProps, 'schema' | 'path' | 'value' | 'onChange' | 'issuesAt'>;

export function ObjectProperties({ schema, path, value, onChange, issuesAt }: ObjectPropertiesProps) {
  const object = isRecord(value) ? value : {};
  const required = new Set(schema.required ?? []);
  const properties: [string, JsonSchema][] = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">No parameters.</p>;
  return (
    <>
      {properties.map(([key, property]) => (
        <SchemaField
          key={key}
          schema={property}
          label={property.title ?? key}
          path={path ? `${path}.${key}` : key}
          value={object[key]}
          required={required.has(key)}
          issuesAt={issuesAt}
          onChange={(next) => {
            const { [key]: _old, ...rest } = object;
            onChange(next === undefined ? rest : { ...rest, [key]: next });
          }}
        />
      ))}
    </>
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
