// What every generated form control gets.
import type { JsonSchema } from './json-schema.ts';

export interface FieldProps {
  schema: JsonSchema;
  label: string;
  /** Where the value sits in the node, e.g. `params.fields[0].name`: issues are matched on it. */
  path: string;
  value: unknown;
  required: boolean;
  /** `undefined` unsets the value, so the node's default applies. */
  onChange(value: unknown): void;
  issuesAt(path: string): string[];
}
