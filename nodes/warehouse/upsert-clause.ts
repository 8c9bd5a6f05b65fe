// The ON CONFLICT clause both warehouses share: changed rows replace the stored ones, and the
// WHERE leaves equal rows untouched so they do not count as copied. Only the spelling of "is
// distinct from" differs: SQLite's `IS NOT` compares row values, PostgreSQL's `IS DISTINCT FROM`.
import { quoteIdentifier } from '../schema/example-values.ts';
import type { SourceTable } from './sync-source.ts';

export function upsertClause(
  target: string,
  table: SourceTable,
  distinct: 'IS NOT' | 'IS DISTINCT FROM',
): string {
  const key = table.primaryKey.map(quoteIdentifier).join(', ');
  const others = table.columns
    .filter((column) => !table.primaryKey.includes(column.name))
    .map((column) => quoteIdentifier(column.name));
  if (others.length === 0) return ` ON CONFLICT (${key}) DO NOTHING`;
  const stored = others.map((column) => `${quoteIdentifier(target)}.${column}`).join(', ');
  const incoming = others.map((column) => `excluded.${column}`).join(', ');
  const assignments = others.map((column) => `${column} = excluded.${column}`).join(', ');
  return ` ON CONFLICT (${key}) DO UPDATE SET ${assignments} WHERE (${stored}) ${distinct} (${incoming})`;
}
