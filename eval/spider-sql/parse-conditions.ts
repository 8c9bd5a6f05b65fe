// process_sql.py's `parse_value` and `parse_condition`: the right-hand side of a comparison
// (a nested query, a quoted string, a number, or a column) and `a op b [and|or ...]` lists.
import type { Parsed, ParseScope, Tokens } from './parse-expressions.ts';
import { closeBlock, expectToken, openBlock, parseColUnit, parseValUnit } from './parse-expressions.ts';
import { parseSql } from './parse-sql.ts';
import type { Condition, CondUnit, SqlValue, ValUnit } from './parsed-sql.ts';
import { CLAUSE_KEYWORDS, COND_OPS, isOneOf, JOIN_KEYWORDS, WHERE_OPS } from './parsed-sql.ts';
import { pyAt, pySlice } from './python-list.ts';
import { parsePythonFloat } from './python-numbers.ts';
import { SpiderParseError } from './spider-parse-error.ts';

/** Tokens that end a value written as a column expression. */
function endsColumnValue(tok: string): boolean {
  return (
    tok === ',' ||
    tok === ')' ||
    tok === 'and' ||
    isOneOf(CLAUSE_KEYWORDS, tok) ||
    isOneOf(JOIN_KEYWORDS, tok)
  );
}

function parseValue(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<SqlValue> {
  let [idx, isBlock] = openBlock(toks, start);
  let value: SqlValue;
  const tok = pyAt(toks, idx);
  const number = parsePythonFloat(tok);
  if (tok === 'select') {
    [idx, value] = parseSql(toks, idx, scope);
  } else if (tok.includes('"')) {
    value = tok;
    idx += 1;
  } else if (number !== undefined) {
    value = number;
    idx += 1;
  } else {
    let end = idx;
    while (end < toks.length && !endsColumnValue(toks[end] as string)) end += 1;
    // Spider slices from `start` (before any '('), not from `idx`.
    [, value] = parseColUnit(pySlice(toks, start, end), 0, scope, defaultTables);
    idx = end;
  }

  return [closeBlock(toks, idx, isBlock), value];
}

function endsCondition(tok: string): boolean {
  return isOneOf(CLAUSE_KEYWORDS, tok) || tok === ')' || tok === ';' || isOneOf(JOIN_KEYWORDS, tok);
}

export function parseCondition(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<Condition> {
  let idx = start;
  const conds: (CondUnit | (typeof COND_OPS)[number])[] = [];

  while (idx < toks.length) {
    let valUnit: ValUnit;
    [idx, valUnit] = parseValUnit(toks, idx, scope, defaultTables);
    let not = false;
    if (pyAt(toks, idx) === 'not') {
      not = true;
      idx += 1;
    }

    const op = toks[idx];
    if (op === undefined || !isOneOf(WHERE_OPS, op)) {
      throw new SpiderParseError(`Error condition: idx: ${idx}, tok: ${op ?? 'end of query'}`);
    }
    const opId = WHERE_OPS.indexOf(op);
    idx += 1;
    let first: SqlValue;
    let second: SqlValue | null = null;
    [idx, first] = parseValue(toks, idx, scope, defaultTables);
    if (op === 'between') {
      expectToken(toks, idx, 'and');
      [idx, second] = parseValue(toks, idx + 1, scope, defaultTables);
    }
    conds.push([not, opId, valUnit, first, second]);

    const next = toks[idx];
    if (next === undefined || endsCondition(next)) break;
    if (isOneOf(COND_OPS, next)) {
      conds.push(next);
      idx += 1;
    }
  }
  return [idx, conds];
}
