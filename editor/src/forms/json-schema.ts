// The part of JSON Schema (draft 2020-12, as zod 4's z.toJSONSchema writes it) that parameter forms
// understand, and how each schema maps to a form control.
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  writeOnly?: boolean;
  /** r1flow's mark for a parameter that holds a secret. */
  secret?: boolean;
}

export type FieldKind = 'enum' | 'boolean' | 'number' | 'string' | 'secret' | 'list' | 'object' | 'json';

/** A nullable X (`type: [X, 'null']` or `anyOf: [X, {type: 'null'}]`) reads as X. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.type)) {
    const real = schema.type.filter((type) => type !== 'null');
    return real.length === 1 ? { ...schema, type: real[0]! } : schema;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (!options) return schema;
  const real = options.filter((option) => option.type !== 'null');
  if (real.length !== 1) return schema;
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  return { ...rest, ...real[0] };
}

export function fieldKind(input: JsonSchema): FieldKind {
  const schema = unwrapNullable(input);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return isSecret(schema) ? 'secret' : 'string';
    case 'array':
      return schema.items && fieldKind(schema.items) !== 'json' ? 'list' : 'json';
    case 'object':
      return schema.properties && Object.keys(schema.properties).length > 0 ? 'object' : 'json';
    default:
      return 'json';
  }
}

export function isSecret(schema: JsonSchema): boolean {
  return schema.secret === true || schema.format === 'password' || schema.writeOnly === true;
}

export interface NumberBounds {
  min?: number;
  max?: number;
  step: number | 'any';
}

/**
 * Bounds for an <input type=number>; exclusive bounds only hint (the server enforces them). zod
 * writes ±MAX_SAFE_INTEGER for "any integer": that is no bound to show.
 */
export function numberBounds(schema: JsonSchema): NumberBounds {
  const min = meaningful(schema.minimum ?? schema.exclusiveMinimum);
  const max = meaningful(schema.maximum ?? schema.exclusiveMaximum);
  return {
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    step: schema.type === 'integer' ? 1 : 'any',
  };
}

function meaningful(bound: number | undefined): number | undefined {
  return bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? bound : undefined;
}

/** "1 to 64", "at least 0", ... for the field's hint; undefined when unbounded. */
export function describeBounds(schema: JsonSchema): string | undefined {
  const { min, max } = numberBounds(schema);
  const low =
    schema.exclusiveMinimum !== undefined ? `more than ${schema.exclusiveMinimum}` : `at least ${min}`;
  const high =
    schema.exclusiveMaximum !== undefined ? `less than ${schema.exclusiveMaximum}` : `at most ${max}`;
  if (min !== undefined && max !== undefined) return `${low}, ${high}`;
  if (min !== undefined) return low;
  if (max !== undefined) return high;
  return undefined;
}

/** What a new item of a list starts as. */
export function emptyValueFor(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  switch (fieldKind(schema)) {
    case 'object':
      return {};
    case 'boolean':
      return false;
    case 'number':
      return schema.minimum ?? 0;
    case 'enum':
      return schema.enum?.[0];
    default:
      return '';
  }
}
