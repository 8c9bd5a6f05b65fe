// The warehouse a CLI command reads: a SQLite (or DuckDB) file, a postgres:// URL, or a named
// connection (`connection:NAME`). Nodes only ever see a file path or `connection:NAME` (URLs carry
// passwords), so a URL becomes an ad-hoc connection named after its host and database, served by
// the lookup this returns for the host's settings; what is printed is `label`, never the URL.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayUrl } from '../../engine/connection-redaction.ts';
import type { ConnectionLookup, ResolvedConnection } from '../../engine/connections.ts';
import { noConnections } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { ResourceScope } from '../../engine/resources.ts';
import type { SqlExecutor } from '../../nodes/sql/execute-candidates.ts';
import type { WarehouseLocation } from '../../nodes/sql/warehouse-executor.ts';
import { connectionDatabase, connectionNameOf, executorFor } from '../../nodes/sql/warehouse-executor.ts';
import { resolveWarehousePath } from '../../nodes/warehouse/resolve-warehouse.ts';

export interface WarehouseArg {
  /** What nodes get as the schema's `database` and `dialect`. */
  location: WarehouseLocation;
  /** The host's connection lookup: `connections` plus the ad-hoc connection of a URL. */
  connection: ConnectionLookup;
  /** How to show the warehouse to a person: a path, a URL without password, or the connection's name. */
  label: string;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
const DUCKDB_EXTENSIONS = new Set(['.duckdb', '.ddb']);

/** Reads a warehouse argument; `connections` resolves `connection:NAME` (the store's, from the caller). */
export async function parseWarehouseArg(
  value: string,
  connections: ConnectionLookup = noConnections,
): Promise<WarehouseArg> {
  if (value.trim() === '') throw new R1flowError('BAD_REQUEST', 'the warehouse argument is empty');
  if (POSTGRES_URL.test(value)) return adHocPostgres(value, connections);
  const name = connectionNameOf(value);
  if (name !== undefined) return namedConnection(name, connections);
  const dialect = DUCKDB_EXTENSIONS.has(extname(value).toLowerCase()) ? 'duckdb' : 'sqlite';
  return { location: { database: value, dialect }, connection: connections, label: value };
}

/** A warehouse ready to run SQL on, as `sql.execute` would: its executor and what to hand it. */
export interface WarehouseRunner {
  executor: SqlExecutor;
  /** The executor's `database`: the file's absolute path (checked to exist), or `connection:NAME`. */
  database: string;
}

/** The executor `sql.execute` would pick for `warehouse`, from `resources` (the caller disposes them). */
export async function warehouseRunner(
  warehouse: WarehouseArg,
  resources: ResourceScope,
): Promise<WarehouseRunner> {
  const { location } = warehouse;
  const database =
    connectionNameOf(location.database) === undefined
      ? resolveWarehousePath(location.database)
      : location.database;
  return {
    executor: await executorFor({ resources, connection: warehouse.connection }, location),
    database,
  };
}

function adHocPostgres(url: string, connections: ConnectionLookup): WarehouseArg {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The text may hold a password: it is not repeated.
    throw new R1flowError('BAD_REQUEST', 'the warehouse URL is not a valid postgres:// URL');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const name = `${parsed.hostname || 'localhost'}-${database}`.replace(/[^\w.-]+/g, '-');
  const adHoc: ResolvedConnection = { name, kind: 'postgres', url };
  return {
    location: { database: connectionDatabase(name), dialect: 'postgres' },
    connection: async (asked) => (asked === name ? adHoc : connections(asked)),
    label: displayUrl(url, 'postgres'),
  };
}

async function namedConnection(name: string, connections: ConnectionLookup): Promise<WarehouseArg> {
  const connection = await connections(name);
  const label = `connection ${name}`;
  switch (connection.kind) {
    case 'postgres':
      return {
        location: { database: connectionDatabase(name), dialect: 'postgres' },
        connection: connections,
        label,
      };
    case 'sqlite':
    case 'duckdb':
      // File warehouses are read by path (the executors confine paths, not connections).
      return {
        location: { database: filePath(connection.url), dialect: connection.kind },
        connection: connections,
        label,
      };
    default:
      throw new R1flowError(
        'BAD_REQUEST',
        `connection "${name}" is a ${connection.kind} connection, not a warehouse (postgres, sqlite or duckdb)`,
        { data: { connection: name } },
      );
  }
}

function filePath(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}
