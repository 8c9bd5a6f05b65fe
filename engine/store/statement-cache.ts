// Prepares each SQL text once per database handle: hot paths (scheduler commits, webhook
// lookups) run the same few statements thousands of times a second.
import type { Database, Statement } from 'better-sqlite3';

export function createStatementCache(db: Database): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
