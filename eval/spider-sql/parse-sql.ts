// A TypeScript port of Spider's process_sql.py (`get_sql` and its clause readers), the parser
// that Spider's evaluation.py uses to grade query hardness. It keeps the original's quirks on
// purpose (FROM is read before SELECT; one INTERSECT/UNION/EXCEPT; comma joins and unknown
// names fail; trailing tokens are ignored), so that hardness labels match Spider's own.
import { parseCondition } from './parse-conditions.ts';
import type { Parsed, ParseScope, Tokens } from './parse-expressions.ts';
import {
  closeBlock,
  expectToken,
  openBlock,
  parseColUnit,
  parseTableUnit,
  parseValUnit,
} from './parse-expressions.ts';
import type { ColUnit, Condition, OrderBy, OrderOp, ParsedSql, TableUnit, ValUnit } from './parsed-sql.ts';
import { AGG_OPS, CLAUSE_KEYWORDS, isOneOf, ORDER_OPS, SQL_OPS } from './parsed-sql.ts';
import { pyAt, pySlice } from './python-list.ts';
import { parsePythonInt } from './python-numbers.ts';
import { SpiderParseError } from './spider-parse-error.ts';
import type { SpiderSchema } from './spider-schema.ts';
import { tokenizeSpiderSql } from './tokenize.ts';

function endsClause(tok: string | undefined): boolean {
  return tok === undefined || isOneOf(CLAUSE_KEYWORDS, tok) || tok === ')' || tok === ';';
}

function parseSelect(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<ParsedSql['select']> {
  expectToken(toks, start, 'select');
  let idx = start + 1;
  let isDistinct = false;
  if (toks[idx] === 'distinct') {
    idx += 1;
    isDistinct = true;
  }
  const columns: [number, ValUnit][] = [];
  while (idx < toks.length && !isOneOf(CLAUSE_KEYWORDS, toks[idx] as string)) {
    let aggId: number = AGG_OPS.indexOf('none');
    const tok = toks[idx] as string;
    if (isOneOf(AGG_OPS, tok)) {
      aggId = AGG_OPS.indexOf(tok);
      idx += 1;
    }
    let valUnit: ValUnit;
    [idx, valUnit] = parseValUnit(toks, idx, scope, defaultTables);
    columns.push([aggId, valUnit]);
    if (toks[idx] === ',') idx += 1;
  }
  return [idx, [isDistinct, columns]];
}

interface FromClause {
  tableUnits: TableUnit[];
  conds: Condition;
  /** Table names in FROM, where unqualified columns are looked up. */
  defaultTables: string[];
}

function parseFrom(toks: Tokens, start: number, scope: ParseScope): Parsed<FromClause> {
  if (!pySlice(toks, start).includes('from')) throw new SpiderParseError("'from' not found");
  let idx = toks.indexOf('from', start) + 1;
  const clause: FromClause = { tableUnits: [], conds: [], defaultTables: [] };

  while (idx < toks.length) {
    let isBlock: boolean;
    [idx, isBlock] = openBlock(toks, idx);
    if (pyAt(toks, idx) === 'select') {
      let subquery: ParsedSql;
      [idx, subquery] = parseSql(toks, idx, scope);
      clause.tableUnits.push(['sql', subquery]);
    } else {
      if (toks[idx] === 'join') idx += 1;
      let tableId: string;
      let tableName: string;
      [idx, tableId, tableName] = parseTableUnit(toks, idx, scope);
      clause.tableUnits.push(['table_unit', tableId]);
      clause.defaultTables.push(tableName);
    }
    if (toks[idx] === 'on') {
      let conds: Condition;
      [idx, conds] = parseCondition(toks, idx + 1, scope, clause.defaultTables);
      clause.conds = clause.conds.length > 0 ? [...clause.conds, 'and', ...conds] : [...conds];
    }
    idx = closeBlock(toks, idx, isBlock);
    if (idx < toks.length && endsClause(toks[idx])) break;
  }
  return [idx, clause];
}

function parseConditionClause(
  keyword: 'where' | 'having',
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<Condition> {
  if (toks[start] !== keyword) return [start, []];
  return parseCondition(toks, start + 1, scope, defaultTables);
}

function parseGroupBy(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<ColUnit[]> {
  if (toks[start] !== 'group') return [start, []];
  expectToken(toks, start + 1, 'by');
  let idx = start + 2;
  const colUnits: ColUnit[] = [];
  while (!endsClause(toks[idx])) {
    let colUnit: ColUnit;
    [idx, colUnit] = parseColUnit(toks, idx, scope, defaultTables);
    colUnits.push(colUnit);
    if (toks[idx] !== ',') break;
    idx += 1;
  }
  return [idx, colUnits];
}

function parseOrderBy(
  toks: Tokens,
  start: number,
  scope: ParseScope,
  defaultTables: readonly string[],
): Parsed<OrderBy> {
  if (toks[start] !== 'order') return [start, []];
  expectToken(toks, start + 1, 'by');
  let idx = start + 2;
  let direction: OrderOp = 'asc';
  const valUnits: ValUnit[] = [];
  while (!endsClause(toks[idx])) {
    let valUnit: ValUnit;
    [idx, valUnit] = parseValUnit(toks, idx, scope, defaultTables);
    valUnits.push(valUnit);
    const tok = toks[idx];
    if (tok !== undefined && isOneOf(ORDER_OPS, tok)) {
      direction = tok;
      idx += 1;
    }
    if (toks[idx] !== ',') break;
    idx += 1;
  }
  return [idx, [direction, valUnits]];
}

function parseLimit(toks: Tokens, start: number): Parsed<number | null> {
  if (toks[start] !== 'limit') return [start, null];
  return [start + 2, parsePythonInt(pyAt(toks, start + 1))];
}

function skipSemicolons(toks: Tokens, start: number): number {
  let idx = start;
  while (toks[idx] === ';') idx += 1;
  return idx;
}

export function parseSql(toks: Tokens, start: number, scope: ParseScope): Parsed<ParsedSql> {
  const [afterOpen, isBlock] = openBlock(toks, start);

  // FROM first: its tables are where SELECT's unqualified columns are looked up.
  const [fromEnd, from] = parseFrom(toks, start, scope);
  const [, select] = parseSelect(toks, afterOpen, scope, from.defaultTables);
  const [afterWhere, where] = parseConditionClause('where', toks, fromEnd, scope, from.defaultTables);
  const [afterGroupBy, groupBy] = parseGroupBy(toks, afterWhere, scope, from.defaultTables);
  const [afterHaving, having] = parseConditionClause('having', toks, afterGroupBy, scope, from.defaultTables);
  const [afterOrderBy, orderBy] = parseOrderBy(toks, afterHaving, scope, from.defaultTables);
  const [afterLimit, limit] = parseLimit(toks, afterOrderBy);

  let idx = skipSemicolons(toks, closeBlock(toks, skipSemicolons(toks, afterLimit), isBlock));

  const sql: ParsedSql = {
    from: { table_units: from.tableUnits, conds: from.conds },
    select,
    where,
    groupBy,
    having,
    orderBy,
    limit,
    intersect: null,
    union: null,
    except: null,
  };
  const op = toks[idx];
  if (op !== undefined && isOneOf(SQL_OPS, op)) {
    [idx, sql[op]] = parseSql(toks, idx + 1, scope);
  }
  return [idx, sql];
}

/** `get_tables_with_alias`: every `x AS y` maps y → x, then every table maps to itself. */
function mapTableAliases(schema: SpiderSchema, toks: Tokens): Map<string, string> {
  const aliases = new Map<string, string>();
  toks.forEach((tok, idx) => {
    if (tok === 'as') {
      const target = pyAt(toks, idx - 1);
      aliases.set(pyAt(toks, idx + 1), target);
    }
  });
  for (const table of schema.tables.keys()) {
    if (aliases.has(table)) throw new SpiderParseError(`Alias ${table} has the same name in table`);
    aliases.set(table, table);
  }
  return aliases;
}

/** Spider's `get_sql(schema, query)`: the parse Spider's evaluation grades hardness on. */
export function parseSpiderSql(query: string, schema: SpiderSchema): ParsedSql {
  const toks = tokenizeSpiderSql(query);
  const scope: ParseScope = { schema, tablesWithAlias: mapTableAliases(schema, toks) };
  return parseSql(toks, 0, scope)[1];
}
