// Second line of defence after the read-only connection: refuse statements that a read-only
// connection would still run. SQLite reports `readonly` for ATTACH/DETACH, transaction control and
// `PRAGMA x = y`, and VACUUM INTO writes a new file, so those are refused by their leading keyword
// before SQLite compiles them; anything else must compile to a read-only statement that returns rows.
import type { Statement } from 'better-sqlite3';
import { maskSpans } from './sql-lexer.ts';

const REFUSED_KEYWORDS = new Set([
  'attach',
  'detach',
  'vacuum',
  'begin',
  'commit',
  'end',
  'rollback',
  'savepoint',
  'release',
]);

/** Pragmas that only describe the schema; any other pragma, and any assignment, is refused. */
const READABLE_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
]);

const HEAD = /^(\s*(?:explain\s+(?:query\s+plan\s+)?)?)([a-z]+)/i;

export interface StatementHead {
  /** The first keyword after any EXPLAIN [QUERY PLAN], lower-case; undefined for no statement. */
  keyword: string | undefined;
  /** Offset of the statement after any leading EXPLAIN [QUERY PLAN]. */
  bodyStart: number;
}

export function readStatementHead(sql: string, masked = maskSpans(sql)): StatementHead {
  const match = HEAD.exec(masked);
  return { keyword: match?.[2]?.toLowerCase(), bodyStart: match?.[1]?.length ?? 0 };
}

/** Why `sql` must not be compiled, or undefined when it may be. */
export function describeRefusedStatement(sql: string): string | undefined {
  const masked = maskSpans(sql);
  const { keyword, bodyStart } = readStatementHead(sql, masked);
  if (keyword === undefined) return undefined;
  if (REFUSED_KEYWORDS.has(keyword)) {
    return `${keyword.toUpperCase()} statements are refused: queries here are read-only`;
  }
  if (keyword !== 'pragma') return undefined;
  const rest = masked.slice(bodyStart + 'pragma'.length);
  const name = /^[\s.\w]*?(\w+)\s*(?:[(=;]|$)/.exec(rest)?.[1]?.toLowerCase();
  if (rest.includes('=') || name === undefined || !READABLE_PRAGMAS.has(name)) {
    return `PRAGMA ${name ?? ''} is refused: only schema reads (${[...READABLE_PRAGMAS].join(', ')}) without "=" run here`;
  }
  return undefined;
}

/** Why a compiled statement must not run, or undefined when it only reads. */
export function describeRefusedPrepared(statement: Statement): string | undefined {
  if (!statement.readonly) return 'the statement writes to the database; queries here are read-only';
  if (!statement.reader) return 'the statement returns no rows; only queries run here';
  return undefined;
}
