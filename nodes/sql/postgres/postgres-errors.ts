// How PostgreSQL's failures reach callers. A failure of the query itself (syntax, a missing column,
// a write refused by the read-only transaction, a statement timeout) is that candidate's outcome.
// A failure to reach the server (refused, wrong password, no such database, the server shutting
// down) fails the node: no candidate could have run, and the vote must not read it as "every
// candidate is wrong". Messages name the connection and where it points, never its password.
import pg from 'pg';
import { displayUrl, scrubSecrets } from '../../../engine/connection-redaction.ts';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { R1flowError } from '../../../engine/errors.ts';
import type { ChildOutcome } from '../sandbox/sql-outcome.ts';
import { failedOutcome } from '../sandbox/sql-outcome.ts';

/** SQLSTATEs that mean the connection, not the query, failed. */
const CONNECTION_STATES = /^(08|28|3D000|57P0[1-4]|53300)/;

/** The candidate's outcome for a query error, or undefined when the error is the connection's. */
export function classifyPostgresError(error: unknown): ChildOutcome | undefined {
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) return undefined;
  const { code, message } = error;
  if (CONNECTION_STATES.test(code)) return undefined;
  if (code === '42601' && /multiple commands/.test(message)) {
    return failedOutcome(
      'readonly_violation',
      'SQL_READONLY_VIOLATION',
      'only one statement may run at a time',
    );
  }
  if (code === '42601') return failedOutcome('error', 'SQL_SYNTAX', message);
  if (code === '25006') return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', message);
  // statement_timeout (57014) and lock_timeout (55P03)
  if (code === '57014' || code === '55P03') return failedOutcome('timeout', 'SQL_TIMEOUT', message);
  return failedOutcome('error', 'SQL_ERROR', message);
}

/**
 * WAREHOUSE_CONNECT_FAILED naming the connection and its server, user and database, with the
 * password scrubbed from the driver's message too; a refused login (SQLSTATE class 28) is not
 * retried, as trying again cannot help.
 */
export function warehouseConnectFailed(connection: ResolvedConnection, error: unknown): R1flowError {
  const reason = scrubSecrets(error instanceof Error ? error.message : String(error), connection.url);
  const refused = String((error as { code?: unknown } | undefined)?.code ?? '').startsWith('28');
  return new R1flowError(
    'WAREHOUSE_CONNECT_FAILED',
    `cannot reach the PostgreSQL warehouse of connection "${connection.name}" (${displayUrl(connection.url, 'postgres')}): ${reason}`,
    { data: { connection: connection.name }, cause: error, ...(refused ? { retryable: false } : {}) },
  );
}
