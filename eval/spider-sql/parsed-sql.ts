// The shape of a query as Spider's process_sql.py `get_sql` returns it. Tuples stay tuples
// (arrays here) so a parse serializes to the same JSON as Spider's `sql` field, ids aside.

export const CLAUSE_KEYWORDS = [
  'select',
  'from',
  'where',
  'group',
  'order',
  'limit',
  'intersect',
  'union',
  'except',
] as const;
export const JOIN_KEYWORDS = ['join', 'on', 'as'] as const;
export const WHERE_OPS = [
  'not',
  'between',
  '=',
  '>',
  '<',
  '>=',
  '<=',
  '!=',
  'in',
  'like',
  'is',
  'exists',
] as const;
export const UNIT_OPS = ['none', '-', '+', '*', '/'] as const;
export const AGG_OPS = ['none', 'max', 'min', 'count', 'sum', 'avg'] as const;
export const COND_OPS = ['and', 'or'] as const;
export const SQL_OPS = ['intersect', 'union', 'except'] as const;
export const ORDER_OPS = ['desc', 'asc'] as const;

export type CondOp = (typeof COND_OPS)[number];
export type SqlOp = (typeof SQL_OPS)[number];
export type OrderOp = (typeof ORDER_OPS)[number];

/** (agg id, column id, DISTINCT inside the aggregate). */
export type ColUnit = readonly [aggId: number, columnId: string, isDistinct: boolean];
/** (unit op id, column, second column of `a - b` style arithmetic). */
export type ValUnit = readonly [unitOp: number, first: ColUnit, second: ColUnit | null];
/** A number, a quoted string token, a nested query, or a column. */
export type SqlValue = number | string | ParsedSql | ColUnit;
export type CondUnit = readonly [
  not: boolean,
  opId: number,
  valUnit: ValUnit,
  first: SqlValue | null,
  second: SqlValue | null,
];
/** Condition units with 'and' / 'or' between them. */
export type Condition = readonly (CondUnit | CondOp)[];
export type TableUnit = readonly ['table_unit', string] | readonly ['sql', ParsedSql];
/** Empty without ORDER BY, else (direction of the last key that named one, keys). */
export type OrderBy = readonly [] | readonly [OrderOp, readonly ValUnit[]];

export interface ParsedSql {
  from: { table_units: readonly TableUnit[]; conds: Condition };
  select: readonly [isDistinct: boolean, columns: readonly (readonly [aggId: number, ValUnit])[]];
  where: Condition;
  groupBy: readonly ColUnit[];
  having: Condition;
  orderBy: OrderBy;
  limit: number | null;
  intersect: ParsedSql | null;
  union: ParsedSql | null;
  except: ParsedSql | null;
}

export function isOneOf<T extends string>(options: readonly T[], token: string): token is T {
  return (options as readonly string[]).includes(token);
}
