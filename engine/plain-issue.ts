// zod's messages ("Invalid input: expected string, received undefined") are written for
// programmers. A builder reads one plain sentence naming the field instead; messages a node author
// wrote (refinements, regex messages) are kept and only prefixed with the field.
import type { z } from 'zod';
import { joinPath } from './validate-flow.ts';

type Issue = z.core.$ZodIssue;

/** One sentence for a zod issue; `input` is what was parsed, to tell a missing value from a wrong one. */
export function plainIssueMessage(issue: Issue, input: unknown): string {
  const field = joinPath('', issue.path);
  const label = field === '' ? 'the value' : `"${field}"`;
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `${label} is required`
        : `${label} must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (it is ${kindOf(value)})`;
    case 'too_small':
      return `${label} ${tooSmall(issue)}`;
    case 'too_big':
      return `${label} ${tooBig(issue)}`;
    case 'invalid_value':
      return `${label} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${field === '' ? 'unknown' : `${label} has unknown`} field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${issue.divisor}`;
    case 'invalid_format':
      if (!isZodDefault(issue.message)) return authored(field, issue.message);
      return issue.format === 'regex'
        ? `${label} does not have the expected form`
        : `${label} must be a valid ${issue.format}`;
    case 'invalid_union':
      return `${label} matches none of the accepted forms`;
    default:
      return isZodDefault(issue.message) ? `${label} is not valid` : authored(field, issue.message);
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
  null: 'null',
};

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string {
  const minimum = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
    case 'array':
    case 'set':
      return `needs at least ${minimum} item${minimum === 1 ? '' : 's'}`;
    default:
      return issue.inclusive ? `must be at least ${minimum}` : `must be more than ${minimum}`;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const maximum = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `must be at most ${maximum} characters long`;
    case 'array':
    case 'set':
      return `takes at most ${maximum} item${maximum === 1 ? '' : 's'}`;
    default:
      return issue.inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
  }
}

/** zod's own messages start like these; anything else was written by whoever wrote the schema. */
function isZodDefault(message: string): boolean {
  return /^(Invalid|Too small|Too big|Unrecognized)/.test(message);
}

function authored(field: string, message: string): string {
  return field === '' ? message : `"${field}": ${message}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
