// A PostgreSQL warehouse as the re-index reads it: one client for one re-index, one READ ONLY
// REPEATABLE READ transaction (a consistent snapshot, and no write can happen), each statement
// bounded by statement_timeout. The catalog is read once; example values only for the tables that
// changed. An example query that fails (runs out of time, a view that errors or would write) costs
// that table its examples, not the re-index.
// Errors name the connection, never its URL: the URL may carry a password.

import pg from 'pg';
import { scrubSecrets } from '../../engine/connection-redaction.ts';
import type { ResolvedConnection } from '../../engine/connections.ts';
import type { ErrorCode } from '../../engine/errors.ts';
import { isR1flowError, R1flowError } from '../../engine/errors.ts';
import type { PostgresTable } from './introspect-postgres.ts';
import {
  fingerprintPostgresTable,
  readPostgresCatalog,
  readPostgresExamples,
  toTableSchema,
} from './introspect-postgres.ts';
import type { WarehouseReader } from './warehouse-reader.ts';

const CONNECT_TIMEOUT_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 10_000;
const QUERY_CANCELED = '57014';

export interface PostgresReaderOptions {
  signal?: AbortSignal | undefined;
  warn?: ((message: string) => void) | undefined;
  /** Limit of each statement; default 10 s. */
  statementTimeoutMs?: number | undefined;
}

export async function openPostgresReader(
  connection: ResolvedConnection,
  options: PostgresReaderOptions = {},
): Promise<WarehouseReader> {
  const client = new pg.Client({
    connectionString: connection.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'r1flow schema.retrieve',
  });
  // An idle client's socket error must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  const abort = () => void client.end().catch(() => undefined);
  options.signal?.addEventListener('abort', abort, { once: true });
  const fail = (error: unknown, doing: string) => readerError(connection, error, doing, options.signal);
  try {
    options.signal?.throwIfAborted();
    await client.connect();
  } catch (error) {
    options.signal?.removeEventListener('abort', abort);
    await client.end().catch(() => undefined);
    throw fail(error, 'connect to');
  }
  try {
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS));
    // Dates and times as ISO text in UTC: the same examples whatever the server's settings.
    await client.query(
      `SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL DateStyle = 'ISO, YMD'; ` +
        `SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = 'postgres'`,
    );
    // A cancelled run closes the socket; from PostgreSQL 14 on the server then stops the query
    // within a second instead of running it to the statement timeout.
    await client.query(
      `SELECT set_config('client_connection_check_interval', '1000', true)
       WHERE current_setting('server_version_num')::int >= 140000`,
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw fail(error, 'read');
  }

  let catalog: Promise<Map<string, PostgresTable>> | undefined;
  const tables = () => {
    catalog ??= readPostgresCatalog(client).then(
      (list) => new Map(list.map((table) => [table.reference, table])),
    );
    return catalog;
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw fail(error, 'read the schema of');
    }
  };

  return {
    listTables: () => guarded(async () => [...(await tables()).keys()]),
    fingerprints: (names, salt) =>
      guarded(async () => {
        const all = await tables();
        return new Map(
          names.flatMap((name) => {
            const table = all.get(name);
            return table ? [[name, fingerprintPostgresTable(table, salt)] as const] : [];
          }),
        );
      }),
    introspect: (only, examplesPerColumn) =>
      guarded(async () => {
        const schemas = [];
        for (const table of (await tables()).values()) {
          if (!only.has(table.reference)) continue;
          const examples = await examplesOrNone(client, table, examplesPerColumn, options);
          schemas.push(toTableSchema(table, examples));
        }
        return schemas;
      }),
    close: async () => {
      options.signal?.removeEventListener('abort', abort);
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** A savepoint per table: a failed example query leaves the transaction usable for the next. */
async function examplesOrNone(
  client: pg.Client,
  table: PostgresTable,
  limit: number,
  options: PostgresReaderOptions,
): Promise<string[][]> {
  await client.query('SAVEPOINT examples');
  try {
    const examples = await readPostgresExamples(client, table, limit);
    await client.query('RELEASE SAVEPOINT examples');
    return examples;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    await client.query('ROLLBACK TO SAVEPOINT examples');
    const why =
      (error as { code?: string }).code === QUERY_CANCELED
        ? `reading them took longer than ${options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS} ms`
        : (error as Error).message;
    options.warn?.(`no example values for ${table.reference}: ${why}`);
    return table.columns.map(() => []);
  }
}

function readerError(
  connection: ResolvedConnection,
  error: unknown,
  doing: string,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (isR1flowError(error)) return error;
  const code: ErrorCode =
    doing === 'connect to'
      ? 'WAREHOUSE_CONNECT_FAILED'
      : (error as { code?: string }).code === QUERY_CANCELED
        ? 'SQL_TIMEOUT'
        : 'SQL_ERROR';
  const message = scrubSecrets((error as Error).message ?? String(error), connection.url);
  // SQLSTATE class 28: the server refused the credentials; trying again cannot help.
  const refused = String((error as { code?: unknown }).code ?? '').startsWith('28');
  return new R1flowError(code, `cannot ${doing} PostgreSQL connection "${connection.name}": ${message}`, {
    cause: error,
    data: { connection: connection.name },
    ...(refused ? { retryable: false } : {}),
  });
}
