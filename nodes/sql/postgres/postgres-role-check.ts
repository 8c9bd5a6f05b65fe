// What a PostgreSQL connection's role could do beyond reading, so `r1flow warehouse check` can warn
// before the first run: r1flow's executor refuses writes on any role, but a role that cannot write
// in the first place is the defence that does not depend on r1flow (SECURITY.md).
import pg from 'pg';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { warehouseConnectFailed } from './postgres-errors.ts';

export interface PostgresRoleCheck {
  serverVersion: string;
  role: string;
  database: string;
  /** What the role may do besides reading; empty for a read-only role. */
  warnings: string[];
}

const USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

/** Connects as the connection's role and lists what it could change; WAREHOUSE_CONNECT_FAILED when it cannot connect. */
export async function checkPostgresRole(
  connection: ResolvedConnection,
  connectTimeoutMs = 5000,
): Promise<PostgresRoleCheck> {
  const client = new pg.Client({
    connectionString: connection.url,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw warehouseConnectFailed(connection, error);
  }
  try {
    const [about] = (
      await client.query<{
        version: string;
        role: string;
        database: string;
        superuser: boolean;
        createrole: boolean;
        createdb: boolean;
        readonly: string;
      }>(
        `SELECT current_setting('server_version') AS version, current_user AS role, current_database() AS database,
                r.rolsuper AS superuser, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
                current_setting('default_transaction_read_only') AS readonly
         FROM pg_roles r WHERE r.rolname = current_user`,
      )
    ).rows;
    const writable = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMAS}
         AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
       ORDER BY 1`,
    );
    const creatable = await client.query<{ name: string }>(
      `SELECT quote_ident(n.nspname) AS name FROM pg_namespace n
       WHERE ${USER_SCHEMAS} AND has_schema_privilege(n.oid, 'CREATE') ORDER BY 1`,
    );
    const warnings: string[] = [];
    if (about?.superuser)
      warnings.push(`role ${about.role} is a superuser: it can read server files and run programs`);
    if (about?.createrole) warnings.push(`role ${about?.role} can create roles`);
    if (about?.createdb) warnings.push(`role ${about?.role} can create databases`);
    if (about?.readonly !== 'on') {
      warnings.push(
        `default_transaction_read_only is off for role ${about?.role} (ALTER ROLE ${about?.role} SET default_transaction_read_only = on)`,
      );
    }
    if (writable.rows.length > 0) {
      warnings.push(
        `role ${about?.role} can write ${writable.rows.length} table(s): ${listed(writable.rows.map((row) => row.name))}`,
      );
    }
    if (creatable.rows.length > 0) {
      warnings.push(
        `role ${about?.role} can create objects in schema(s): ${listed(creatable.rows.map((row) => row.name))}`,
      );
    }
    return {
      serverVersion: about?.version ?? 'unknown',
      role: about?.role ?? 'unknown',
      database: about?.database ?? 'unknown',
      warnings,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function listed(names: string[]): string {
  return names.length > 5
    ? `${names.slice(0, 5).join(', ')}, … (${names.length - 5} more)`
    : names.join(', ');
}
