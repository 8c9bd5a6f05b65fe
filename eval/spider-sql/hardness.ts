// Spider's hardness levels (evaluation.py: `Evaluator.eval_hardness`, `count_component1`,
// `count_component2`, `count_others`) over the parse of `parseSpiderSql`. The counting keeps
// Python's reading of the lists, quirks included: `count_agg` tests `unit[0] != 0`, so in
// WHERE/HAVING a NOT condition and an 'and'/'or' between conditions count as aggregates.

import { parseSpiderSql } from './parse-sql.ts';
import type { Condition, CondUnit, ParsedSql } from './parsed-sql.ts';
import { WHERE_OPS } from './parsed-sql.ts';
import { SpiderParseError } from './spider-parse-error.ts';
import type { SpiderSchema } from './spider-schema.ts';

export const SPIDER_HARDNESS_LEVELS = ['easy', 'medium', 'hard', 'extra'] as const;
export type SpiderHardness = (typeof SPIDER_HARDNESS_LEVELS)[number];

const LIKE = WHERE_OPS.indexOf('like');

/** Python's `list[start::2]`. */
function everyOther<T>(list: readonly T[], start: 0 | 1): T[] {
  return list.filter((_, index) => index % 2 === start);
}

function conditionUnits(sql: ParsedSql): Condition {
  return [...everyOther(sql.from.conds, 0), ...everyOther(sql.where, 0), ...everyOther(sql.having, 0)];
}

function conjunctions(sql: ParsedSql): Condition {
  return [...everyOther(sql.from.conds, 1), ...everyOther(sql.where, 1), ...everyOther(sql.having, 1)];
}

/** `len([u for u in units if u[0] != 0])`: False equals 0 in Python; a string's first letter does not. */
function countAgg(units: readonly (readonly unknown[] | string)[]): number {
  return units.filter((unit) => unit[0] !== 0 && unit[0] !== false).length;
}

function isNestedSql(value: unknown): value is ParsedSql {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nestedQueries(sql: ParsedSql): ParsedSql[] {
  const nested: ParsedSql[] = [];
  for (const unit of conditionUnits(sql)) {
    // Python indexes unit[3] here; on a stray 'and'/'or' string that raises IndexError.
    if (typeof unit === 'string') throw new SpiderParseError(`condition list is out of step at "${unit}"`);
    const [, , , first, second] = unit as CondUnit;
    if (isNestedSql(first)) nested.push(first);
    if (isNestedSql(second)) nested.push(second);
  }
  for (const member of [sql.intersect, sql.except, sql.union]) if (member !== null) nested.push(member);
  return nested;
}

function countComponent1(sql: ParsedSql): number {
  let count = 0;
  if (sql.where.length > 0) count += 1;
  if (sql.groupBy.length > 0) count += 1;
  if (sql.orderBy.length > 0) count += 1;
  if (sql.limit !== null) count += 1;
  if (sql.from.table_units.length > 0) count += sql.from.table_units.length - 1;
  count += conjunctions(sql).filter((token) => token === 'or').length;
  count += conditionUnits(sql).filter((unit) => unit[1] === LIKE).length;
  return count;
}

function countOthers(sql: ParsedSql): number {
  const orderKeys = sql.orderBy[1] ?? [];
  const aggregates =
    countAgg(sql.select[1]) +
    countAgg(everyOther(sql.where, 0)) +
    countAgg(sql.groupBy) +
    countAgg([
      ...orderKeys.map((unit) => unit[1]),
      ...orderKeys.flatMap((unit) => (unit[2] ? [unit[2]] : [])),
    ]) +
    countAgg(sql.having);
  let count = 0;
  if (aggregates > 1) count += 1;
  if (sql.select[1].length > 1) count += 1;
  if (sql.where.length > 1) count += 1;
  if (sql.groupBy.length > 1) count += 1;
  return count;
}

/** Spider's `eval_hardness` on a parsed query. */
export function gradeHardness(sql: ParsedSql): SpiderHardness {
  const component1 = countComponent1(sql);
  const component2 = nestedQueries(sql).length;
  const others = countOthers(sql);
  if (component1 <= 1 && others === 0 && component2 === 0) return 'easy';
  if (
    (others <= 2 && component1 <= 1 && component2 === 0) ||
    (component1 <= 2 && others < 2 && component2 === 0)
  ) {
    return 'medium';
  }
  if (
    (others > 2 && component1 <= 2 && component2 === 0) ||
    (component1 > 2 && component1 <= 3 && others <= 2 && component2 === 0) ||
    (component1 <= 1 && others === 0 && component2 <= 1)
  ) {
    return 'hard';
  }
  return 'extra';
}

/** Spider's hardness of a query; throws SQL_SYNTAX when Spider's parser cannot read it. */
export function spiderHardness(sql: string, schema: SpiderSchema): SpiderHardness {
  return gradeHardness(parseSpiderSql(sql, schema));
}
