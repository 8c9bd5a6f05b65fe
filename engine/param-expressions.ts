// Param expressions: a param value written `{"$expr": "<JSONata>"}` is computed just before the
// node runs, from the run's input (`$input`) and the outputs of nodes upstream of it
// (`$node.<id>.<port>`). JSONata is a query language with its own interpreter, so an expression can
// read data and compute with it but never reach JavaScript, the process or the network; there is
// no `eval` anywhere. An object marks an expression (rather than a string prefix such as n8n's
// `={{ }}`) so a literal string is always literal: no escaping rule, no param whose text happens to
// start with `=` changing meaning. Pure module (no Node APIs): the editor uses it for its preview.
import jsonata from 'jsonata';
import { R1flowError } from './errors.ts';
import { checkJsonDepth, formatBytes } from './json-limits.ts';

export const EXPRESSION_KEY = '$expr';
/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 4000;
/** How long one expression may evaluate; JSONata checks it at every step. */
export const EXPRESSION_TIMEOUT_MS = 1000;
/** Deepest evaluation stack (recursive functions). */
export const EXPRESSION_MAX_STACK = 500;
/** Largest value one expression may produce, in bytes of JSON. */
export const MAX_EXPRESSION_RESULT_BYTES = 256 * 1024;

export interface ParamExpression {
  /** Where the expression sits in the params, e.g. `['body', 'text']`. */
  path: (string | number)[];
  source: string;
}

/** What an expression reads: `$input`, and upstream outputs by node id and port. */
export interface ExpressionScope {
  input: unknown;
  nodes: Record<string, Record<string, unknown>>;
}

/** A node output an expression reads: `$node.<node>.<port>` (port absent for `$node.<node>`). */
export interface ExpressionReference {
  node: string;
  port?: string;
}

export type ParsedExpression =
  | { ok: true; expression: jsonata.Expression; references: ExpressionReference[] }
  | { ok: false; message: string };

/** `{"$expr": "<text>"}` exactly; anything else (another key beside it, a non-string) is a literal. */
export function isExpression(value: unknown): value is { $expr: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 && keys[0] === EXPRESSION_KEY && typeof (value as { $expr: unknown }).$expr === 'string'
  );
}

/** Every expression in `params`, outermost first; an expression's own object is not searched. */
export function findExpressions(params: unknown): ParamExpression[] {
  const found: ParamExpression[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: params, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (isExpression(value)) {
      found.push({ path, source: value.$expr });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, path: [...path, index] });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, path: [...path, key] });
    }
  }
  return found.reverse();
}

/**
 * Parses an expression and lists the node outputs it reads. Upstream outputs must be named
 * literally (`$node.answer.answer`, `` $node.`my-node`.port ``) so validation can check them and
 * the engine knows what to hand over; `$node` on its own, `$node.*` or `$lookup($node, …)` are refused.
 */
export function parseExpression(source: unknown): ParsedExpression {
  if (typeof source !== 'string') return { ok: false, message: 'an expression is a string of JSONata' };
  if (source.trim() === '') return { ok: false, message: 'the expression is empty' };
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters` };
  }
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, { timeout: EXPRESSION_TIMEOUT_MS, stack: EXPRESSION_MAX_STACK });
  } catch (error) {
    return { ok: false, message: jsonataMessage(error) };
  }
  const references: ExpressionReference[] = [];
  const dynamic = collectReferences(expression.ast(), references);
  if (dynamic) {
    return {
      ok: false,
      message:
        'name upstream outputs literally, as $node.<node id>.<port> (not $node alone, $node.* or $lookup($node, …))',
    };
  }
  return { ok: true, expression, references };
}

/** Walks the syntax tree; true when `$node` is used other than as `$node.<name>…`. */
function collectReferences(root: unknown, references: ExpressionReference[]): boolean {
  let dynamic = false;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      stack.push(...item);
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const node = item as { type?: unknown; value?: unknown; steps?: unknown[] };
    if (node.type === 'path' && Array.isArray(node.steps) && isNodeVariable(node.steps[0])) {
      const [head, first, second, ...rest] = node.steps as { type?: unknown; value?: unknown }[];
      if (first?.type !== 'name') dynamic = true;
      else {
        references.push({
          node: String(first.value),
          ...(second?.type === 'name' ? { port: String(second.value) } : {}),
        });
      }
      // Filters and predicates on the steps may hold more expressions.
      stack.push(withoutValue(head), withoutValue(first), withoutValue(second), ...rest);
      continue;
    }
    if (isNodeVariable(node)) {
      dynamic = true;
      continue;
    }
    for (const value of Object.values(node)) if (typeof value === 'object') stack.push(value);
  }
  return dynamic;
}

function isNodeVariable(step: unknown): boolean {
  const node = step as { type?: unknown; value?: unknown } | undefined;
  return node?.type === 'variable' && node.value === 'node';
}

/** A step's other parts (filters, groups) without the name or variable it stands for. */
function withoutValue(step: unknown): unknown {
  if (typeof step !== 'object' || step === null) return undefined;
  const { type: _type, value: _value, ...rest } = step as Record<string, unknown>;
  return rest;
}

/** The upstream nodes whose outputs the expressions of `params` read. */
export function referencedNodes(params: unknown): Set<string> {
  const nodes = new Set<string>();
  for (const found of findExpressions(params)) {
    const parsed = parseExpression(found.source);
    if (parsed.ok) for (const reference of parsed.references) nodes.add(reference.node);
  }
  return nodes;
}

/** Why one expression could not give a value; the caller adds the node. */
export class ExpressionFailure extends Error {
  readonly path: (string | number)[];
  readonly source: string;
  constructor(expression: ParamExpression, reason: string) {
    super(reason);
    this.path = expression.path;
    this.source = expression.source;
  }
}

/** Evaluates one expression against `scope`; throws ExpressionFailure with the reason. */
export async function evaluateExpression(
  expression: ParamExpression,
  scope: ExpressionScope,
): Promise<unknown> {
  const parsed = parseExpression(expression.source);
  if (!parsed.ok) throw new ExpressionFailure(expression, parsed.message);
  let value: unknown;
  try {
    value = await parsed.expression.evaluate(undefined, { input: scope.input, node: scope.nodes });
  } catch (error) {
    throw new ExpressionFailure(expression, jsonataMessage(error));
  }
  return toJson(expression, value);
}

/**
 * A copy of `params` with every expression replaced by its value. A value of `undefined` (nothing
 * matched) leaves an object key out, so the param's default applies, and is `null` in an array.
 */
export async function evaluateParams(params: unknown, scope: ExpressionScope): Promise<unknown> {
  if (isExpression(params)) {
    return evaluateExpression({ path: [], source: params.$expr }, scope);
  }
  if (Array.isArray(params)) {
    const out: unknown[] = [];
    for (const item of params) out.push((await evaluateParams(item, scope)) ?? null);
    return out;
  }
  if (typeof params === 'object' && params !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(params)) {
      const value = await evaluateParamsAt(item, scope, key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return params;
}

async function evaluateParamsAt(value: unknown, scope: ExpressionScope, key: string): Promise<unknown> {
  try {
    return await evaluateParams(value, scope);
  } catch (error) {
    if (error instanceof ExpressionFailure) error.path.unshift(key);
    throw error;
  }
}

/** JSONata answers sequences, functions and undefined; a param gets plain JSON within the caps. */
function toJson(expression: ParamExpression, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    throw new ExpressionFailure(expression, 'the expression gave a function, not a value');
  }
  try {
    checkJsonDepth(value, 'value', 64);
  } catch (error) {
    throw new ExpressionFailure(expression, (error as R1flowError).message);
  }
  // Measured on the text (TextEncoder, not Buffer: the editor's preview runs this too); the
  // evaluation's time bound already keeps the value from growing without end.
  const text = JSON.stringify(value);
  if (new TextEncoder().encode(text).length > MAX_EXPRESSION_RESULT_BYTES) {
    throw new ExpressionFailure(
      expression,
      `the expression gave more than ${formatBytes(MAX_EXPRESSION_RESULT_BYTES)} of JSON`,
    );
  }
  return JSON.parse(text) as unknown;
}

function jsonataMessage(error: unknown): string {
  const { message, position } = error as { message?: unknown; position?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof position === 'number' ? `${text} (at character ${position})` : text;
}

/** Whether `path` lies at or under `prefix` (a zod issue under an expression's param). */
export function pathStartsWith(path: readonly PropertyKey[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => segment === path[index]);
}

/** `body.text` or `headers["X-Id"]` for messages. */
export function paramPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The run-time error for an expression that failed or gave a value the param refuses. */
export function expressionError(
  nodeId: string,
  path: readonly (string | number)[],
  source: string,
  reason: string,
) {
  const where = paramPath(path) || '(all params)';
  return new R1flowError(
    'PARAM_EXPRESSION_FAILED',
    `${nodeId}: param ${where} = {"$expr": ${JSON.stringify(clip(source))}}: ${reason}`,
    { nodeId, retryable: false, path: `params.${where}`, data: { param: where, expression: clip(source) } },
  );
}

function clip(source: string): string {
  return source.length > 200 ? `${source.slice(0, 200)}…` : source;
}
