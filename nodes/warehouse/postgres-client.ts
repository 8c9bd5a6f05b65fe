// A pg client for a named PostgreSQL connection, as warehouse.sync and the demo loader use it.
// Values come back in forms that copy exactly into SQLite or back into PostgreSQL: integers as
// numbers (int8 as BigInt), floats as numbers, booleans as 1/0 (SQLite has no booleans and
// PostgreSQL reads '1'/'0' as booleans), bytea as Buffers, and every other type (numeric, dates,
// timestamps, json, arrays, uuid) as PostgreSQL's own text, so nothing is rounded or moved to
// another time zone on the way. Errors name the connection, never its URL: the URL holds the password.
import pg from 'pg';
import { scrubSecrets } from '../../engine/connection-redaction.ts';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';

const CONNECT_TIMEOUT_MS = 10_000;

const INT2 = 21;
const INT4 = 23;
const OID = 26;
const INT8 = 20;
const FLOAT4 = 700;
const FLOAT8 = 701;
const BOOL = 16;
const BYTEA = 17;

const parseBytea = pg.types.getTypeParser(BYTEA) as (value: string) => Buffer;

/** PostgreSQL text → the value a sync copies; see the header for why most types stay text. */
function parserFor(oid: number): (value: string) => unknown {
  switch (oid) {
    case INT2:
    case INT4:
    case OID:
    case FLOAT4:
    case FLOAT8:
      return Number;
    case INT8:
      return BigInt;
    case BOOL:
      return (value) => (value === 't' ? 1 : 0);
    case BYTEA:
      return parseBytea;
    default:
      return (value) => value;
  }
}

const copyTypes = { getTypeParser: parserFor } as unknown as pg.CustomTypesConfig;

/** Opens a client, or fails with WAREHOUSE_CONNECT_FAILED naming the connection (never its password). */
export async function connectPostgres(connection: ResolvedConnection): Promise<pg.Client> {
  if (connection.kind !== 'postgres') {
    throw new R1flowError(
      'CONFIG_INVALID',
      `connection "${connection.name}" is a ${connection.kind} connection, not a PostgreSQL one`,
      { data: { connection: connection.name, kind: connection.kind } },
    );
  }
  const client = new pg.Client({
    connectionString: connection.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: copyTypes,
  });
  // A server that goes away between queries emits 'error' on the client; the next query rejects
  // with it, so the event itself only needs a listener to not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`SET TIME ZONE 'UTC'`);
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw postgresConnectionError(connection, error);
  }
}

/**
 * The connection's failure in words that name it, with any password in the driver's message
 * removed. Refused credentials (SQLSTATE class 28) are not retried: trying again cannot help.
 */
export function postgresConnectionError(connection: ResolvedConnection, error: unknown): R1flowError {
  const reason = scrubSecrets((error as Error).message ?? String(error), connection.url);
  const refused = String((error as { code?: unknown }).code ?? '').startsWith('28');
  return new R1flowError(
    'WAREHOUSE_CONNECT_FAILED',
    `cannot connect to PostgreSQL connection "${connection.name}": ${reason}`,
    { data: { connection: connection.name }, retryable: !refused },
  );
}

/** Ends the client, ignoring a connection that is already gone. */
export async function closePostgres(client: pg.Client): Promise<void> {
  await client.end().catch(() => {});
}
