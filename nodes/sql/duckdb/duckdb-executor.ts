// Runs SQL candidates on a DuckDB file (Parquet/CSV analytics), in process: DuckDB executes on its
// own threads and can be interrupted, so a timeout or a cancel stops the query itself. Each file is
// opened once, read-only, with file access limited to the file's own folder (its views may read the
// Parquet and CSV files kept beside it) and the configuration locked, so a query cannot write,
// attach, load extensions, read other files or turn any of that back on. Only a single SELECT runs.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import { R1flowError } from '../../../engine/errors.ts';
import { CappedRows } from '../capped-rows.ts';
import type { ChildOutcome, SqlOutcome, SqlRequest } from '../sandbox/sql-outcome.ts';
import { failedOutcome } from '../sandbox/sql-outcome.ts';
import { duckdbCell } from './duckdb-cells.ts';

/** Table functions that read files or other catalogs: refused when `allowedTables` is set. */
const FILE_FUNCTIONS = /\b(read_\w+|\w+_scan|glob|query_table|query)\s*\(/i;

export class DuckdbExecutor {
  readonly #instances = new Map<string, Promise<DuckDBInstance>>();

  async execute(request: SqlRequest, options: { signal?: AbortSignal } = {}): Promise<SqlOutcome> {
    const started = performance.now();
    const outcome = await this.#run(request, options.signal);
    return { ...outcome, durationMs: performance.now() - started };
  }

  /** A connection to `path` for r1flow's own catalog reads (schema introspection); close it after use. */
  async connect(path: string): Promise<DuckDBConnection> {
    const absolute = resolve(path);
    if (!existsSync(absolute)) {
      throw new R1flowError('WAREHOUSE_NOT_FOUND', `warehouse file ${absolute} does not exist`, {
        data: { path: absolute },
      });
    }
    return (await this.#open(absolute)).connect();
  }

  close(): void {
    for (const instance of this.#instances.values())
      void instance.then(
        (db) => db.closeSync(),
        () => undefined,
      );
    this.#instances.clear();
  }

  async #run(request: SqlRequest, signal: AbortSignal | undefined): Promise<ChildOutcome> {
    if (signal?.aborted) throw cancelled();
    if (request.sql.trim() === '') return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
    const path = resolve(request.database);
    if (!existsSync(path))
      return failedOutcome('error', 'WAREHOUSE_NOT_FOUND', `warehouse file ${path} does not exist`);
    const connection = await (await this.#open(path)).connect();
    let interrupted: 'timeout' | 'cancel' | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      interrupted ??= why;
      connection.interrupt();
    };
    const timer = setTimeout(() => stop('timeout'), request.timeoutMs);
    const onAbort = () => stop('cancel');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await runSelect(connection, request);
    } catch (error) {
      if (interrupted === 'cancel') throw cancelled();
      if (interrupted === 'timeout') {
        return failedOutcome('timeout', 'SQL_TIMEOUT', `the query ran longer than ${request.timeoutMs} ms`);
      }
      return classifyError(error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      connection.closeSync();
    }
  }

  #open(path: string): Promise<DuckDBInstance> {
    let instance = this.#instances.get(path);
    if (instance === undefined) {
      instance = openDuckdbReadOnly(path);
      // A file that failed to open (not a DuckDB file, locked by a writer) is tried again next time.
      instance.catch(() => this.#instances.delete(path));
      this.#instances.set(path, instance);
    }
    return instance;
  }
}

/**
 * Opens `path` read-only with file access confined to its folder and the configuration locked:
 * what candidates run on, and what the schema index reads.
 */
export async function openDuckdbReadOnly(path: string): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(path, {
    access_mode: 'READ_ONLY',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const setup = await instance.connect();
  try {
    const folder = `${dirname(path)}/`.replaceAll("'", "''");
    await setup.run(`SET allowed_directories = ['${folder}']`);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
  } finally {
    setup.closeSync();
  }
  return instance;
}

async function runSelect(connection: DuckDBConnection, request: SqlRequest): Promise<ChildOutcome> {
  const statements = await connection.extractStatements(request.sql);
  if (statements.count === 0) return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
  if (statements.count > 1) {
    return failedOutcome(
      'readonly_violation',
      'SQL_READONLY_VIOLATION',
      'only one statement may run at a time',
    );
  }
  const prepared = await statements.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) {
    const kind = StatementType[prepared.statementType] ?? String(prepared.statementType);
    return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', `only SELECT may run, not ${kind}`);
  }
  if (request.allowedTables !== undefined) {
    const forbidden = findForbiddenRead(connection, request.sql, request.allowedTables);
    if (forbidden !== undefined) {
      return failedOutcome(
        'forbidden',
        'SQL_TABLE_FORBIDDEN',
        `the query reads ${forbidden}, which is not among the allowed tables (${request.allowedTables.join(', ')})`,
      );
    }
  }
  const result = await prepared.stream();
  const rows = new CappedRows(request.maxRows, request.maxBytes);
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    if (!chunk.getRows().every((row) => rows.add(row.map(duckdbCell)))) break;
  }
  return rows.outcome(result.columnNames());
}

function findForbiddenRead(
  connection: DuckDBConnection,
  sql: string,
  allowedTables: readonly string[],
): string | undefined {
  if (FILE_FUNCTIONS.test(sql)) return 'files through a table function';
  const allowed = new Set(allowedTables.map((table) => table.toLowerCase()));
  const table = connection.getTableNames(sql, false).find((name) => !allowed.has(name.toLowerCase()));
  return table === undefined ? undefined : `table ${table}`;
}

function classifyError(error: unknown): ChildOutcome {
  // DuckDB's client prefixes what failed ("Failed to extract statements: Parser Error: …").
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to [^:]+: /, '');
  if (/^Parser Error/.test(message)) return failedOutcome('error', 'SQL_SYNTAX', message);
  if (/^(Permission Error|Invalid Input Error: Cannot execute statement of type)/.test(message)) {
    return failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', message);
  }
  return failedOutcome('error', 'SQL_ERROR', message);
}

function cancelled(): R1flowError {
  return new R1flowError('NODE_CANCELLED', 'the query was cancelled');
}
