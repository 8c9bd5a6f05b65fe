// An in-process, read-only SQL runner for scoring tests (the sandbox pool plays this part in
// production). better-sqlite3 is built without double-quoted string literals, which Python's
// sqlite3 (and so Spider's gold SQL) relies on: on exactly that error the quoted token is
// rewritten to a single-quoted literal and the query retried, SQLite's own legacy rule.
import Database from 'better-sqlite3';
import type { RunSql, SqlRun } from '../../../eval/scoring/run-sql.ts';
import type { Cell } from '../../../nodes/types.ts';

const DQS_ERROR = /^no such column: ("(?:[^"]|"")*") - should this be a string literal in single-quotes\?$/;

/** Replaces the first double-quoted token equal to `token` outside string literals. */
function quoteAsString(sql: string, token: string): string | undefined {
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    if (char === "'" || char === '"') {
      let end = index + 1;
      while (end < sql.length && !(sql[end] === char && sql[end + 1] !== char))
        end += sql[end] === char ? 2 : 1;
      const quoted = sql.slice(index, end + 1);
      if (char === '"' && quoted === token) {
        const text = quoted.slice(1, -1).replaceAll('""', '"').replaceAll("'", "''");
        return `${sql.slice(0, index)}'${text}'${sql.slice(end + 1)}`;
      }
      index = end + 1;
    } else {
      index += 1;
    }
  }
  return undefined;
}

function toCell(value: unknown): Cell {
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
  return value as Cell;
}

export interface SqliteRunner {
  run: RunSql;
  close(): void;
}

export function createSqliteRunner(): SqliteRunner {
  const connections = new Map<string, Database.Database>();
  const open = (file: string) => {
    let db = connections.get(file);
    if (!db) {
      db = new Database(file, { readonly: true, fileMustExist: true });
      connections.set(file, db);
    }
    return db;
  };
  const run = async (database: string, sql: string): Promise<SqlRun> => {
    let text = sql;
    for (;;) {
      try {
        const statement = open(database).prepare(text);
        if (!statement.reader) return { status: 'readonly_violation', rows: [] };
        const rows = (statement.raw(true).all() as unknown[][]).map((row) => row.map(toCell));
        return { status: 'ok', rows };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const token = DQS_ERROR.exec(message)?.[1];
        const rewritten = token === undefined ? undefined : quoteAsString(text, token);
        if (rewritten === undefined)
          return { status: 'error', rows: [], error: { code: 'SQL_ERROR', message } };
        text = rewritten;
      }
    }
  };
  return {
    run,
    close: () => {
      for (const db of connections.values()) db.close();
      connections.clear();
    },
  };
}
