// Evaluates a branch condition over a JSON value. Deliberately small: no expression language to
// sandbox, just a path and a comparison a form can describe.
import { R1flowError } from '../../engine/errors.ts';

export interface Condition {
  path: string;
  op:
    | 'truthy'
    | 'falsy'
    | 'equals'
    | 'notEquals'
    | 'gt'
    | 'gte'
    | 'lt'
    | 'lte'
    | 'contains'
    | 'matches'
    | 'exists';
  value?: unknown;
}

export function evaluateCondition(condition: Condition, input: unknown): boolean {
  const actual = readPath(input, condition.path);
  const expected = condition.value;
  switch (condition.op) {
    case 'truthy':
      return Boolean(actual) && !(Array.isArray(actual) && actual.length === 0);
    case 'falsy':
      return !evaluateCondition({ ...condition, op: 'truthy' }, input);
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'equals':
      return JSON.stringify(actual) === JSON.stringify(expected);
    case 'notEquals':
      return JSON.stringify(actual) !== JSON.stringify(expected);
    case 'gt':
      return compare(actual, expected) > 0;
    case 'gte':
      return compare(actual, expected) >= 0;
    case 'lt':
      return compare(actual, expected) < 0;
    case 'lte':
      return compare(actual, expected) <= 0;
    case 'contains':
      if (typeof actual === 'string') return actual.includes(String(expected));
      if (Array.isArray(actual))
        return actual.some((item) => JSON.stringify(item) === JSON.stringify(expected));
      return false;
    case 'matches':
      return typeof actual === 'string' && new RegExp(String(expected)).test(actual);
  }
}

function compare(actual: unknown, expected: unknown): number {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string') return actual.localeCompare(expected);
  throw new R1flowError(
    'NODE_BAD_INPUT',
    `cannot compare ${JSON.stringify(actual)} with ${JSON.stringify(expected)} (both must be numbers or strings)`,
  );
}

export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (segment === 'length' && (Array.isArray(current) || typeof current === 'string')) {
      current = current.length;
      continue;
    }
    // Own properties only: a path must not reach prototype members such as "constructor".
    current = Object.hasOwn(current as object, segment)
      ? (current as Record<string, unknown>)[segment]
      : undefined;
  }
  return current;
}
