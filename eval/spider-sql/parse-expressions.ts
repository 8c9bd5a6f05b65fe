// process_sql.py's column, column-unit, value-unit and table-unit readers. Each takes the
// token list and a start index and returns [next index, value], like the Python original;
// what Python would raise (assertion, KeyError, IndexError) throws SpiderParseError.
import type { ColUnit, ValUnit } from './parsed-sql.ts';
import { AGG_OPS, isOneOf, UNIT_OPS } from './parsed-sql.ts';
import { pyAt } from './python-list.ts';
import { SpiderParseError } from './spider-parse-error.ts';
import type { SpiderSchema } from './spider-schema.ts';

export interface ParseScope {
  /** Alias (from `x AS y`) or table name → table name, as `get_tables_with_alias` builds it. */
  readonly tablesWithAlias: ReadonlyMap<string, string>;
  readonly schema: SpiderSchema;
}

export type Tokens = readonly string[];
export type Parsed<T> = [next: number, value: T];

export function lookup<V>(map: ReadonlyMap<string, V>, key: string, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new SpiderParseError(`unknown ${what} "${key}"`);
  return value;
}

/** `assert toks[idx] == expected` (an index past the end fails too). */
export function expectToken(toks: Tokens, idx: number, expected: string): void {
  if (toks[idx] !== expected) {
    throw new SpiderParseError(
      `expected "${expected}" at token ${idx}, found "${toks[idx] ?? 'end of query'}"`,
    );
  }
}

/** Steps over an opening '(' at `idx`, if there is one: [next index, whether it was there]. */
export function openBlock(toks: Tokens, idx: number): [number, boolean] {
  const isBlock = pyAt(toks, idx) === '(';
  return [isBlock ? idx + 1 : idx, isBlock];
}

/** Requires the ')' that closes a block `openBlock` found. */
export function closeBlock(toks: Tokens, idx: number, isBlock: boolean): number {
  if (!isBlock) return idx;
  expectToken(toks, idx, ')');
  return idx + 1;
}

function parseCol(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables?: readonly string[],
): Parsed<string> {
  const tok = pyAt(toks, start);
  if (tok === '*') return [start + 1, lookup(scope.schema.idMap, tok, 'column')];

  if (tok.includes('.')) {
    const parts = tok.split('.');
    if (parts.length !== 2) throw new SpiderParseError(`"${tok}" is not alias.column`);
    const [alias, column] = parts as [string, string];
    const key = `${lookup(scope.tablesWithAlias, alias, 'table or alias')}.${column}`;
    return [start + 1, lookup(scope.schema.idMap, key, 'column')];
  }

  if (defaultTables === undefined || defaultTables.length === 0) {
    throw new SpiderParseError('Default tables should not be None or empty');
  }
  for (const alias of defaultTables) {
    const table = lookup(scope.tablesWithAlias, alias, 'table or alias');
    if (lookup(scope.schema.tables, table, 'table').includes(tok)) {
      return [start + 1, lookup(scope.schema.idMap, `${table}.${tok}`, 'column')];
    }
  }
  throw new SpiderParseError(`Error col: ${tok}`);
}

export function parseColUnit(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables?: readonly string[],
): Parsed<ColUnit> {
  let [idx, isBlock] = openBlock(toks, start);
  let isDistinct = false;
  const head = pyAt(toks, idx);
  if (isOneOf(AGG_OPS, head)) {
    // An aggregate returns here without closing the block: Spider's parser does the same.
    idx += 1;
    expectToken(toks, idx, '(');
    idx += 1;
    if (pyAt(toks, idx) === 'distinct') {
      idx += 1;
      isDistinct = true;
    }
    const [next, columnId] = parseCol(toks, idx, scope, defaultTables);
    expectToken(toks, next, ')');
    return [next + 1, [AGG_OPS.indexOf(head), columnId, isDistinct]];
  }

  if (head === 'distinct') {
    idx += 1;
    isDistinct = true;
  }
  const [next, columnId] = parseCol(toks, idx, scope, defaultTables);
  return [closeBlock(toks, next, isBlock), [AGG_OPS.indexOf('none'), columnId, isDistinct]];
}

export function parseValUnit(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables?: readonly string[],
): Parsed<ValUnit> {
  const [afterOpen, isBlock] = openBlock(toks, start);
  let unitOp: number = UNIT_OPS.indexOf('none');
  let second: ColUnit | null = null;
  let [idx, first] = parseColUnit(toks, afterOpen, scope, defaultTables);
  const op = toks[idx];
  if (op !== undefined && isOneOf(UNIT_OPS, op)) {
    unitOp = UNIT_OPS.indexOf(op);
    [idx, second] = parseColUnit(toks, idx + 1, scope, defaultTables);
  }

  return [closeBlock(toks, idx, isBlock), [unitOp, first, second]];
}

/** Returns [next index, table id, table name]; skips `AS alias`. */
export function parseTableUnit(toks: Tokens, start: number, scope: ParseScope): [number, string, string] {
  const key = lookup(scope.tablesWithAlias, pyAt(toks, start), 'table or alias');
  const next = toks[start + 1] === 'as' ? start + 3 : start + 1;
  return [next, lookup(scope.schema.idMap, key, 'table'), key];
}
