import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  describeBounds,
  emptyValueFor,
  fieldKind,
  type JsonSchema,
  numberBounds,
} from '../../editor/src/forms/json-schema.ts';

const schemaOf = (type: z.ZodType) =>
  z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

describe('forms generated from JSON Schema', () => {
  test('each kind of param gets its control', () => {
    expect(fieldKind(schemaOf(z.string()))).toBe('string');
    expect(fieldKind(schemaOf(z.number().min(0).max(2)))).toBe('number');
    expect(fieldKind(schemaOf(z.int()))).toBe('number');
    expect(fieldKind(schemaOf(z.enum(['hmac', 'token'])))).toBe('enum');
    expect(fieldKind(schemaOf(z.boolean()))).toBe('boolean');
    expect(fieldKind(schemaOf(z.array(z.string())))).toBe('list');
    expect(fieldKind(schemaOf(z.array(z.object({ name: z.string() }))))).toBe('list');
    expect(fieldKind(schemaOf(z.object({ path: z.string() })))).toBe('object');
    expect(fieldKind(schemaOf(z.record(z.string(), z.unknown())))).toBe('json');
    expect(fieldKind(schemaOf(z.unknown()))).toBe('json');
    expect(fieldKind(schemaOf(z.string().nullable()))).toBe('string');
  });

  test('secret params are masked: marked secret, format password or write-only', () => {
    expect(fieldKind({ type: 'string', secret: true })).toBe('secret');
    expect(fieldKind({ type: 'string', format: 'password' })).toBe('secret');
    expect(fieldKind({ type: 'string', writeOnly: true })).toBe('secret');
    expect(fieldKind(schemaOf(z.string().meta({ secret: true })))).toBe('secret');
  });

  test('number bounds come from the schema; "any integer" is no bound', () => {
    expect(numberBounds(schemaOf(z.int().min(1).max(64)))).toEqual({ min: 1, max: 64, step: 1 });
    expect(numberBounds(schemaOf(z.int()))).toEqual({ step: 1 });
    expect(numberBounds(schemaOf(z.number().positive().max(1)))).toEqual({ min: 0, max: 1, step: 'any' });
    expect(describeBounds(schemaOf(z.int().min(1).max(64)))).toBe('at least 1, at most 64');
    expect(describeBounds(schemaOf(z.number().positive()))).toBe('more than 0');
  });

  test('a new list item starts from the item default, or an empty value of its kind', () => {
    expect(emptyValueFor(schemaOf(z.object({ name: z.string() })))).toEqual({});
    expect(emptyValueFor(schemaOf(z.string().default('x')))).toBe('x');
    expect(emptyValueFor(schemaOf(z.int().min(3)))).toBe(3);
  });
});
