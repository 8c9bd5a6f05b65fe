// Which warehouse schema.retrieve reads, and how: a SQLite file or a named connection. The
// dialect picks the reader (one `case` per engine), the index file and whether a cheap change
// stamp can skip re-indexing. Connections are identified by name and database, never by their URL:
// a URL may carry a password, and index file names and Milvus collections are visible.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { connectionDatabase } from '../sql/warehouse-executor.ts';
import { openDuckdbReader } from './duckdb-reader.ts';
import { defaultIndexPath } from './index-location.ts';
import { openPostgresReader } from './postgres-reader.ts';
import type { SpiderDatabase } from './spider-metadata.ts';
import type { WarehouseReader } from './warehouse-reader.ts';
import { openSqliteReader } from './warehouse-reader.ts';

export type WarehouseSource =
  | { dialect: 'sqlite' /** Absolute path of the file. */; database: string }
  | { dialect: 'duckdb' /** Absolute path of the file. */; database: string }
  | { dialect: 'postgres' /** `connection:NAME`. */; database: string; connection: ResolvedConnection };

export interface ReaderOptions {
  spider?: SpiderDatabase | undefined;
  signal?: AbortSignal | undefined;
  /** Told about what the reader skipped (example values it could not read). */
  warn?: ((message: string) => void) | undefined;
}

/** A warehouse file: DuckDB when it is named `.duckdb`, else SQLite. */
export function sqliteWarehouse(path: string): WarehouseSource {
  return { dialect: isDuckdbFile(path) ? 'duckdb' : 'sqlite', database: resolve(path) };
}

export function isDuckdbFile(path: string): boolean {
  return /\.duckdb$/i.test(path);
}

/** The warehouse a named connection points at; a connection of another kind is refused by name. */
export function connectionWarehouse(connection: ResolvedConnection): WarehouseSource {
  switch (connection.kind) {
    case 'postgres':
      return { dialect: 'postgres', database: connectionDatabase(connection.name), connection };
    case 'sqlite':
      return sqliteWarehouse(connectionFilePath(connection));
    case 'duckdb':
      return { dialect: 'duckdb', database: resolve(connectionFilePath(connection)) };
    default:
      throw new R1flowError(
        'CONFIG_INVALID',
        `connection "${connection.name}" (kind ${connection.kind}) is not a warehouse schema.retrieve reads: use a postgres, sqlite or duckdb connection`,
        { data: { connection: connection.name } },
      );
  }
}

export async function openWarehouseReader(
  warehouse: WarehouseSource,
  options: ReaderOptions,
): Promise<WarehouseReader> {
  switch (warehouse.dialect) {
    case 'sqlite':
      return openSqliteReader(warehouse.database, options.spider);
    case 'duckdb':
      return openDuckdbReader(warehouse.database);
    case 'postgres':
      return openPostgresReader(warehouse.connection, options);
  }
}

/** The index file of a warehouse: per file path, or per connection name and database identity. */
export function indexPathFor(warehouse: WarehouseSource, directory: string): string {
  if (warehouse.dialect !== 'postgres') return defaultIndexPath(warehouse.database, directory);
  const { name } = warehouse.connection;
  const label = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const hash = createHash('sha256')
    .update(`${name}\u0000${postgresIdentity(warehouse.connection)}`)
    .digest('hex')
    .slice(0, 12);
  return resolve(directory, `connection-${label}-${hash}.r1flow-index.sqlite`);
}

/**
 * Changes whenever the warehouse may have changed (a SQLite file's size and time, its WAL's too);
 * undefined where there is no such cheap sign, so every refresh compares fingerprints.
 */
export function changeStamp(warehouse: WarehouseSource): string | undefined {
  if (warehouse.dialect !== 'sqlite') return undefined;
  return `${fileStamp(warehouse.database)}|${fileStamp(`${warehouse.database}-wal`)}`;
}

/**
 * Server, port, database and user: the same name pointed at another database (or read as
 * another user, who may see other tables) gets another index. The password is left out.
 */
function postgresIdentity(connection: ResolvedConnection): string {
  try {
    const url = new URL(connection.url);
    const socketHost = url.searchParams.get('host') ?? '';
    return [
      url.hostname,
      url.port || '5432',
      socketHost,
      url.pathname,
      decodeURIComponent(url.username),
    ].join('\u0000');
  } catch {
    throw new R1flowError('CONFIG_INVALID', `connection "${connection.name}" has no valid PostgreSQL URL`, {
      data: { connection: connection.name },
    });
  }
}

/** `sqlite:///abs/file.sqlite`, `file:///abs/file.sqlite` or a plain path. */
function connectionFilePath(connection: ResolvedConnection): string {
  const { url } = connection;
  if (url.startsWith('file:')) return fileURLToPath(url);
  const scheme = /^(sqlite|duckdb):(\/\/)?/.exec(url);
  return scheme ? decodeURIComponent(url.slice(scheme[0].length)) : url;
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'none';
  }
}
