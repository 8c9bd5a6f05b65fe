// Which executor runs a node's SQL: the warehouse named by the schema context (`database`, `dialect`)
// decides. SQLite files go to the sandbox pool (child processes killed on timeout), PostgreSQL
// connections to a pooled read-only client, DuckDB files to a read-only in-process database. Every
// executor answers the same `SqlOutcome`, so execute, reward, vote and eval treat them alike.
import type { ResolvedConnection } from '../../engine/connections.ts';
import type { NodeContext } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { SchemaContext } from '../types.ts';
import { duckdbExecutorResource } from './duckdb/duckdb-resource.ts';
import type { SqlExecutor } from './execute-candidates.ts';
import { postgresExecutorResource } from './postgres/postgres-resource.ts';
import { sqlSandboxPoolResource } from './sandbox/sql-sandbox-resource.ts';

/** `connection:NAME`, the `database` of a schema read through a named connection. */
export const CONNECTION_PREFIX = 'connection:';

export function connectionDatabase(name: string): string {
  return `${CONNECTION_PREFIX}${name}`;
}

/** The connection name in a `connection:NAME` database, or undefined for a file path. */
export function connectionNameOf(database: string): string | undefined {
  return database.startsWith(CONNECTION_PREFIX) ? database.slice(CONNECTION_PREFIX.length) : undefined;
}

export type WarehouseLocation = Pick<SchemaContext, 'database' | 'dialect'>;

/** The executor for `warehouse`, from the process's shared resources. */
export async function executorFor(
  ctx: Pick<NodeContext, 'resources' | 'connection'>,
  warehouse: WarehouseLocation,
): Promise<SqlExecutor> {
  switch (warehouse.dialect) {
    case 'sqlite':
      return ctx.resources.get(sqlSandboxPoolResource);
    case 'duckdb':
      return ctx.resources.get(duckdbExecutorResource);
    case 'postgres':
      return (await ctx.resources.get(postgresExecutorResource)).forConnection(
        await postgresConnection(ctx, warehouse.database),
      );
    default:
      throw new R1flowError('WAREHOUSE_NOT_FOUND', `no executor for ${warehouse.dialect} warehouses yet`);
  }
}

/** The named connection a PostgreSQL warehouse is read through; it must be a postgres one. */
async function postgresConnection(
  ctx: Pick<NodeContext, 'connection'>,
  database: string,
): Promise<ResolvedConnection> {
  const name = connectionNameOf(database);
  if (name === undefined) {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `a PostgreSQL warehouse is named by a connection (database "${CONNECTION_PREFIX}NAME"), not "${database}"`,
    );
  }
  const connection = await ctx.connection(name);
  if (connection.kind !== 'postgres') {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `connection "${name}" is a ${connection.kind} connection; a postgres warehouse needs a postgres one`,
      { data: { connection: name } },
    );
  }
  return connection;
}
