// Which tables a PostgreSQL query reads, from its plan: `EXPLAIN (VERBOSE, FORMAT JSON)` names
// every relation it scans ("Relation Name" with its "Schema"), in subqueries, CTEs and init plans
// alike, and views are already expanded to the tables under them. So allowedTables names base
// tables, and a view over another table is refused. Planning does not run the query.
// What a plan cannot show is what a function reads inside its body: the functions that run SQL
// text or read tables by name are refused by the guard (postgres-guard.ts), and user-defined
// functions are trusted as part of the warehouse (give the reader role EXECUTE only on those
// meant for it).
import type pg from 'pg';
import { PortalReader } from './portal-reader.ts';

export interface RelationRead {
  schema: string;
  name: string;
}

/** The relations `sql` scans, from its plan (run inside the candidate's read-only transaction). */
export async function relationsRead(client: pg.ClientBase, sql: string): Promise<RelationRead[]> {
  // Through the extended protocol, so `…; DROP TABLE t` is refused, not run.
  const batch = await new PortalReader(client, `EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`).read(1);
  const plan = batch.rows[0]?.[0];
  const relations: RelationRead[] = [];
  collectRelations(typeof plan === 'string' ? JSON.parse(plan) : plan, relations);
  return relations;
}

/**
 * The first relation not allowed, as `schema.name`, or undefined. An allowed name with a schema
 * (`sales.orders`) matches that table; one without matches the table in `public`. Case-insensitive.
 */
export function findForbiddenRelation(
  relations: readonly RelationRead[],
  allowedTables: readonly string[],
): string | undefined {
  const allowed = new Set(
    allowedTables.map((table) => (table.includes('.') ? table : `public.${table}`).toLowerCase()),
  );
  const forbidden = relations.find(
    (relation) => !allowed.has(`${relation.schema}.${relation.name}`.toLowerCase()),
  );
  return forbidden === undefined ? undefined : `${forbidden.schema}.${forbidden.name}`;
}

function collectRelations(node: unknown, into: RelationRead[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRelations(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  const name = record['Relation Name'];
  if (typeof name === 'string') {
    const schema = typeof record.Schema === 'string' ? record.Schema : 'public';
    into.push({ schema, name });
  }
  for (const value of Object.values(record)) collectRelations(value, into);
}
