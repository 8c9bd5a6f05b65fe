// The properties of an object schema, one control each; the value is kept without unset keys.
import { Fragment, type ReactNode } from 'react';
import type { FieldProps } from './field-props.ts';
import type { JsonSchema } from './json-schema.ts';
import { SchemaField } from './schema-field.tsx';

type ObjectPropertiesProps = Pick<FieldProps, 'schema' | 'path' | 'value' | 'onChange' | 'issuesAt'> & {
  /** Draws each property instead of SchemaField (a node's params: with an expression switch). */
  field?: (props: FieldProps) => ReactNode;
};

export function ObjectProperties({ schema, path, value, onChange, issuesAt, field }: ObjectPropertiesProps) {
  const object = isRecord(value) ? value : {};
  const required = new Set(schema.required ?? []);
  const properties: [string, JsonSchema][] = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">No parameters.</p>;
  return (
    <>
      {properties.map(([key, property]) => {
        const props: FieldProps = {
          schema: property,
          label: property.title ?? key,
          path: path ? `${path}.${key}` : key,
          value: object[key],
          required: required.has(key),
          issuesAt,
          onChange: (next) => {
            const { [key]: _old, ...rest } = object;
            onChange(next === undefined ? rest : { ...rest, [key]: next });
          },
        };
        return field ? <Fragment key={key}>{field(props)}</Fragment> : <SchemaField key={key} {...props} />;
      })}
    </>
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
