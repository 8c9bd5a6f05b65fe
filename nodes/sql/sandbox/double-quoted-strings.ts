// Python's sqlite3 (used by SQL-R1, OmniSQL and test-suite) accepts `WHERE name = "Kyle"`; our
// better-sqlite3 is built with SQLITE_DQS=0 and refuses it. SQLite's legacy rule is "a double-quoted
// token that does not resolve to a column is a string literal", so we apply it ourselves: on exactly
// SQLite's hint error we turn that token into a '…' literal and compile again, until the query
// compiles or fails for another reason. A token that does resolve somewhere else in the same query
// stays an identifier (see `keepResolvingOccurrences`).
import type { Database, Statement } from 'better-sqlite3';
import { quoteString, scanSqlSpans, unquote } from './sql-lexer.ts';

const HINT = /^no such column: "(.*)" - should this be a string literal in single-quotes\?$/s;

export interface PreparedQuery {
  statement: Statement;
  /** The SQL that compiled: the input, or its rewrite with double-quoted strings made literals. */
  sql: string;
}

/** Compiles `sql`, rewriting double-quoted strings as SQLite's legacy rule would; throws SQLite's error otherwise. */
export function prepareWithLegacyStrings(db: Database, sql: string): PreparedQuery {
  let current = sql;
  for (;;) {
    try {
      return { statement: db.prepare(current), sql: current };
    } catch (error) {
      const name = missingDoubleQuotedName(error);
      const occurrences = name === undefined ? [] : doubleQuotedOccurrences(current, name);
      if (occurrences.length === 0) throw error;
      current =
        occurrences.length === 1
          ? rewriteAsStrings(current, occurrences)
          : keepResolvingOccurrences(db, current, occurrences);
    }
  }
}

interface Occurrence {
  start: number;
  end: number;
  text: string;
}

/** The double-quoted name of SQLite's hint error, or undefined for any other error. */
function missingDoubleQuotedName(error: unknown): string | undefined {
  return error instanceof Error ? HINT.exec(error.message)?.[1] : undefined;
}

function doubleQuotedOccurrences(sql: string, name: string): Occurrence[] {
  return scanSqlSpans(sql)
    .filter((span) => span.kind === 'double-quoted')
    .map((span) => ({ start: span.start, end: span.end, text: unquote(sql.slice(span.start, span.end)) }))
    .filter((occurrence) => occurrence.text === name);
}

function rewriteAsStrings(sql: string, occurrences: readonly Occurrence[]): string {
  let out = sql;
  for (const occurrence of [...occurrences].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, occurrence.start) + quoteString(occurrence.text) + out.slice(occurrence.end);
  }
  return out;
}

/**
 * With the name quoted several times, SQLite names only the first that failed. Rewrite them all, then
 * put back each one that compiles as an identifier when it alone stays double-quoted (name
 * resolution is per token, so the others' rewrite does not change whether it resolves).
 */
function keepResolvingOccurrences(db: Database, sql: string, occurrences: readonly Occurrence[]): string {
  const converted = occurrences.filter((occurrence) => {
    const others = occurrences.filter((other) => other !== occurrence);
    try {
      db.prepare(rewriteAsStrings(sql, others));
      return false;
    } catch (error) {
      return missingDoubleQuotedName(error) === occurrence.text;
    }
  });
  return rewriteAsStrings(sql, converted.length > 0 ? converted : occurrences);
}
