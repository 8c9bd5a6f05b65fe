// One sandboxed query, start to finish, inside a child process: refuse what may write, compile
// (with SQLite's legacy double-quoted strings), check the tables it reads, then read rows up to the
// cap. Reading stops at the first row past the cap, so a huge result costs at most maxRows + 1
// steps; `rowCount` is then the rows kept, not the size of the full result. Rows are also capped by
// their size as JSON (`maxBytes`), so one candidate cannot fill a node's output with a giant cell.
import { resolve } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { CappedRows } from '../capped-rows.ts';
import { prepareWithLegacyStrings } from './double-quoted-strings.ts';
import { encodeCell } from './encode-cell.ts';
import type { ReadonlyConnections } from './readonly-connections.ts';
import type { ChildOutcome, QueryRequest } from './sql-outcome.ts';
import { failedOutcome } from './sql-outcome.ts';
import { describeRefusedPrepared, describeRefusedStatement, readStatementHead } from './statement-guard.ts';
import { findForbiddenTable } from './tables-read.ts';

export function runQuery(connections: ReadonlyConnections, request: QueryRequest): ChildOutcome {
  if (request.sql.trim() === '') return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
  const path = resolve(request.database);
  try {
    const db = connections.get(path);
    if (db === undefined) {
      return failedOutcome('error', 'WAREHOUSE_NOT_FOUND', `warehouse file ${path} does not exist`);
    }
    const refused = describeRefusedStatement(request.sql);
    if (refused !== undefined) return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', refused);
    const prepared = prepareWithLegacyStrings(db, request.sql);
    const refusedPrepared = describeRefusedPrepared(prepared.statement);
    if (refusedPrepared !== undefined) {
      return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', refusedPrepared);
    }
    if (request.allowedTables !== undefined) {
      const forbidden = findForbiddenRead(db, prepared.sql, request.allowedTables);
      if (forbidden !== undefined) {
        return failedOutcome(
          'forbidden',
          'SQL_TABLE_FORBIDDEN',
          `the query reads ${forbidden}, which is not among the allowed tables (${request.allowedTables.join(', ')})`,
        );
      }
    }
    return readRows(prepared.statement, request.maxRows, request.maxBytes ?? Number.POSITIVE_INFINITY);
  } catch (error) {
    return classifyError(error);
  }
}

/** Pragmas read the schema without opening tables, so under allowedTables they are refused outright. */
function findForbiddenRead(db: Database, sql: string, allowedTables: readonly string[]): string | undefined {
  const head = readStatementHead(sql);
  if (head.keyword === 'pragma') return 'the schema through PRAGMA';
  const table = findForbiddenTable(db, sql.slice(head.bodyStart), allowedTables);
  return table === undefined ? undefined : `table ${table}`;
}

function readRows(statement: Statement, maxRows: number, maxBytes: number): ChildOutcome {
  statement.safeIntegers(true).raw(true);
  const columns = statement.columns().map((column) => column.name);
  const rows = new CappedRows(maxRows, maxBytes);
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    if (!rows.add(row.map(encodeCell))) break;
  }
  return rows.outcome(columns);
}

const SYNTAX = /syntax error|incomplete input|unrecognized token/;

function classifyError(error: unknown): ChildOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (/more than one statement/.test(message)) {
    return failedOutcome(
      'readonly_violation',
      'SQL_READONLY_VIOLATION',
      'only one statement may run at a time',
    );
  }
  if (/contains no statements/.test(message))
    return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', message);
  }
  return failedOutcome('error', SYNTAX.test(message) ? 'SQL_SYNTAX' : 'SQL_ERROR', message);
}
