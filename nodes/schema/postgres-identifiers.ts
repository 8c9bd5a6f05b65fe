// How PostgreSQL SQL names a table or column: bare when the name is lower-case letters, digits
// and _ and not a reserved word, else in double quotes (PostgreSQL folds bare names to lower case,
// so `CustomerId` must be written "CustomerId"). The prompt shows names exactly as a query must
// write them.

/** PostgreSQL 15's reserved keywords (pg_get_keywords() catcode R and T): bare, they are not names. */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check ' +
    'collate collation column concurrently constraint create cross current_catalog current_date ' +
    'current_role current_schema current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign freeze from full grant group having ilike in ' +
    'initially inner intersect into is isnull join lateral leading left like limit localtime ' +
    'localtimestamp natural not notnull null offset on only or order outer overlaps placing primary ' +
    'references returning right select session_user similar some symmetric table tablesample then to ' +
    'trailing true union unique user using variadic verbose when where window with'
  ).split(' '),
);

const BARE = /^[a-z_][a-z0-9_$]*$/;

export function quotePostgresIdentifier(name: string): string {
  return BARE.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** The default schema's tables by their own name, others qualified: `orders`, `sales.orders`. */
export function postgresTableReference(schema: string, table: string, defaultSchema = 'public'): string {
  const name = quotePostgresIdentifier(table);
  return schema === defaultSchema ? name : `${quotePostgresIdentifier(schema)}.${name}`;
}
