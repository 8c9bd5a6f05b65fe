// Picks the control for a schema: the form of a node's params is generated from its JSON Schema.
import { BooleanField } from './boolean-field.tsx';
import { EnumField } from './enum-field.tsx';
import type { FieldProps } from './field-props.ts';
import { JsonField } from './json-field.tsx';
import { fieldKind, unwrapNullable } from './json-schema.ts';
import { ListField } from './list-field.tsx';
import { NumberField } from './number-field.tsx';
import { ObjectField } from './object-field.tsx';
import { TextField } from './text-field.tsx';

const CONTROLS = {
  enum: EnumField,
  boolean: BooleanField,
  number: NumberField,
  string: TextField,
  secret: TextField,
  list: ListField,
  object: ObjectField,
  json: JsonField,
};

export function SchemaField(props: FieldProps) {
  const schema = unwrapNullable(props.schema);
  const Control = CONTROLS[fieldKind(schema)];
  return <Control {...props} schema={schema} />;
}
