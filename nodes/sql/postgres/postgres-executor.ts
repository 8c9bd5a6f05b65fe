// Runs SQL candidates on a PostgreSQL warehouse. Each candidate gets a pooled connection and its
// own transaction: `BEGIN READ ONLY` with statement, lock and idle-in-transaction timeouts set
// LOCAL from the request, the candidate through the extended protocol (which refuses a second
// statement), rows read through a portal until the row or byte cap, and always ROLLBACK, so nothing
// a candidate does outlives it. Functions that harm without writing are refused by name before
// anything is sent (postgres-guard.ts); allowedTables is checked against the query's plan.
// A timeout or a cancel answers at once and cancels the backend from a second connection
// (pg_cancel_backend); the connection goes back to the pool only after its ROLLBACK, or is closed,
// so a runaway never leaks a connection or keeps running on the server.
// One pg.Pool per connection URL, bounded (8 by default) and shared fairly between runs.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { quoteIdentifier } from '../../schema/example-values.ts';
import { CappedRows } from '../capped-rows.ts';
import type { SqlExecutor } from '../execute-candidates.ts';
import type { ChildOutcome, SqlOutcome, SqlRequest } from '../sandbox/sql-outcome.ts';
import { failedOutcome } from '../sandbox/sql-outcome.ts';
import { FairSlots } from './fair-slots.ts';
import { PortalReader } from './portal-reader.ts';
import { classifyPostgresError, warehouseConnectFailed } from './postgres-errors.ts';
import { describeRefusedPostgres } from './postgres-guard.ts';
import { findForbiddenRelation, relationsRead } from './postgres-tables-read.ts';

export interface PostgresExecutorOptions {
  /** Connections per warehouse URL. Default 8. */
  poolSize?: number;
  /** How long connecting may take before the warehouse counts as unreachable. Default 5 s. */
  connectTimeoutMs?: number;
}

interface Warehouse {
  url: string;
  pool: pg.Pool;
  slots: FairSlots;
}

/** How long a stopped candidate's connection may take to answer its cancel and ROLLBACK before it is closed. */
const CLEANUP_GRACE_MS = 5000;
/** Rows asked of the portal at first; later reads ask for more at once. */
const FIRST_BATCH = 100;
const MAX_BATCH = 1000;

export class PostgresExecutor {
  readonly #options: Required<PostgresExecutorOptions>;
  readonly #warehouses = new Map<string, Warehouse>();
  /** Connections of stopped candidates still being cancelled and rolled back. */
  readonly #cleanups = new Set<Promise<void>>();
  #nextOwner = 1;
  #closed = false;

  constructor(options: PostgresExecutorOptions = {}) {
    this.#options = { poolSize: 8, connectTimeoutMs: 5000, ...options };
  }

  /** The executor of one connection, as sql.execute, reward and eval call it. */
  forConnection(connection: ResolvedConnection): SqlExecutor {
    return { execute: (request, options) => this.execute(connection, request, options) };
  }

  /**
   * Runs one candidate; answers every query failure as an outcome. Rejects with NODE_CANCELLED on
   * abort and with WAREHOUSE_CONNECT_FAILED when the server cannot be reached.
   */
  async execute(
    connection: ResolvedConnection,
    request: SqlRequest,
    options: { signal?: AbortSignal; owner?: string } = {},
  ): Promise<SqlOutcome> {
    const { signal } = options;
    if (this.#closed) throw new R1flowError('NODE_CANCELLED', 'the PostgreSQL executor is closed');
    if (signal?.aborted) throw cancelled();
    const refusal = refuseBeforeSending(request.sql);
    if (refusal !== undefined) return { ...refusal, durationMs: 0 };
    const warehouse = this.#warehouseOf(connection);
    const releaseSlot = await warehouse.slots.acquire(options.owner ?? `#${this.#nextOwner++}`, signal);
    let client: pg.PoolClient;
    try {
      client = await warehouse.pool.connect();
    } catch (error) {
      releaseSlot();
      throw warehouseConnectFailed(connection, error);
    }
    const started = performance.now();
    const outcome = await this.#runOnClient(warehouse, client, request, signal, releaseSlot);
    if (outcome === 'cancelled') throw cancelled();
    if (outcome instanceof Error) throw warehouseConnectFailed(connection, outcome);
    return { ...outcome, durationMs: performance.now() - started };
  }

  /** Ends every pool, after the connections of stopped candidates are cleaned up. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#cleanups]);
    const pools = [...this.#warehouses.values()].map((warehouse) => warehouse.pool);
    this.#warehouses.clear();
    await Promise.allSettled(pools.map((pool) => pool.end()));
  }

  #warehouseOf(connection: ResolvedConnection): Warehouse {
    let warehouse = this.#warehouses.get(connection.url);
    if (warehouse === undefined) {
      const pool = new pg.Pool({
        connectionString: connection.url,
        max: this.#options.poolSize,
        connectionTimeoutMillis: this.#options.connectTimeoutMs,
        idleTimeoutMillis: 30_000,
        allowExitOnIdle: true,
        // Fixed for the whole session, and no candidate can change them (SET and set_config are
        // refused): the guard lexes strings by standard_conforming_strings' rules, and the cell
        // parsers read ISO dates (DateStyle ISO sets the output only; the day/month order stays).
        options: '-c standard_conforming_strings=on -c DateStyle=ISO',
      });
      // An idle connection that dies (server restart) is dropped by the pool; the next candidate
      // connects anew or reports the warehouse unreachable.
      pool.on('error', () => undefined);
      warehouse = { url: connection.url, pool, slots: new FairSlots(this.#options.poolSize) };
      this.#warehouses.set(connection.url, warehouse);
    }
    return warehouse;
  }

  /** The candidate's outcome, 'cancelled', or the connection's error; returns the client and the slot. */
  async #runOnClient(
    warehouse: Warehouse,
    client: pg.PoolClient,
    request: SqlRequest,
    signal: AbortSignal | undefined,
    releaseSlot: () => void,
  ): Promise<ChildOutcome | 'cancelled' | Error> {
    let stopped: ((why: 'timeout' | 'cancelled') => void) | undefined;
    const stop = new Promise<'timeout' | 'cancelled'>((resolve) => {
      stopped = resolve;
    });
    const timer = setTimeout(() => stopped?.('timeout'), request.timeoutMs);
    const onAbort = () => stopped?.('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const work = runCandidate(client, request).then(
      (outcome) => outcome,
      (error: unknown) => classifyPostgresError(error) ?? asError(error),
    );
    const first = await Promise.race([work, stop]);
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    const interrupted = first === 'timeout' || first === 'cancelled';
    const cleanup = this.#giveBack(warehouse, client, interrupted, work).finally(releaseSlot);
    if (!interrupted) {
      await cleanup;
      return first;
    }
    this.#cleanups.add(cleanup);
    void cleanup.finally(() => this.#cleanups.delete(cleanup));
    if (first === 'cancelled') return 'cancelled';
    return failedOutcome(
      'timeout',
      'SQL_TIMEOUT',
      `the query ran longer than ${request.timeoutMs} ms and was cancelled`,
    );
  }

  /** Cancels what still runs, rolls back and returns the client to its pool (closed when it did not answer). */
  async #giveBack(
    warehouse: Warehouse,
    client: pg.PoolClient,
    interrupted: boolean,
    work: Promise<ChildOutcome | Error>,
  ): Promise<void> {
    if (interrupted) await withDeadline(cancelBackend(warehouse.url, client), CLEANUP_GRACE_MS);
    const done = await withDeadline(work, CLEANUP_GRACE_MS);
    let broken = done === undefined || done instanceof Error;
    if (!broken) {
      broken =
        (await withDeadline(
          client.query('ROLLBACK').then(() => true),
          CLEANUP_GRACE_MS,
        )) !== true;
    }
    client.release(broken ? new Error('connection closed after an interrupted candidate') : undefined);
  }
}

/** Refusals that need no server: an empty query, a statement that is not a read, a refused function. */
function refuseBeforeSending(sql: string): ChildOutcome | undefined {
  if (sql.trim() === '') return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
  const refused = describeRefusedPostgres(sql);
  return refused === undefined
    ? undefined
    : failedOutcome('readonly_violation', 'SQL_READONLY_VIOLATION', refused);
}

/** One candidate inside its read-only transaction; throws pg's errors (the caller classifies them). */
async function runCandidate(client: pg.PoolClient, request: SqlRequest): Promise<ChildOutcome> {
  const timeout = Math.max(1, Math.round(request.timeoutMs));
  // One round trip: our own statements, so the simple protocol's several statements are fine here.
  await client.query(
    `BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeout}; SET LOCAL lock_timeout = ${timeout}; ` +
      `SET LOCAL idle_in_transaction_session_timeout = ${timeout + 1000}`,
  );
  if (request.allowedTables !== undefined) {
    const relations = await relationsRead(client, request.sql);
    const forbidden = findForbiddenRelation(relations, request.allowedTables);
    if (forbidden !== undefined) {
      return failedOutcome(
        'forbidden',
        'SQL_TABLE_FORBIDDEN',
        `the query reads table ${forbidden}, which is not among the allowed tables (${request.allowedTables.join(', ')})`,
      );
    }
  }
  // The caller's mapped role, after the table check (which reads the plan as the connection's
  // user): the role's grants and row-level security then decide what the candidate sees. The
  // connection's user must be a member of it; it ends with the transaction.
  if (request.dbRole !== undefined) await client.query(`SET LOCAL ROLE ${quoteIdentifier(request.dbRole)}`);
  return readCapped(client, request.sql, request.maxRows, request.maxBytes);
}

async function readCapped(
  client: pg.PoolClient,
  sql: string,
  maxRows: number,
  maxBytes: number | undefined,
): Promise<ChildOutcome> {
  const portal = new PortalReader(client, sql);
  const rows = new CappedRows(maxRows, maxBytes);
  let size = Math.min(maxRows + 1, FIRST_BATCH);
  for (;;) {
    const batch = await portal.read(size);
    if (batch.empty) return failedOutcome('error', 'SQL_EMPTY', 'the query is empty');
    if (!batch.rows.every((row) => rows.add(row)) || !batch.more) return rows.outcome(batch.columns);
    size = Math.min(size * 4, MAX_BATCH);
  }
}

/** Cancels the query running on `client` from a second connection (a role may cancel its own backends). */
async function cancelBackend(url: string, client: pg.PoolClient): Promise<void> {
  // pg keeps the backend's pid from the server's BackendKeyData; @types/pg does not declare it.
  const pid = (client as unknown as { processID: number | null }).processID;
  if (pid === null) return;
  const canceller = new pg.Client({ connectionString: url });
  canceller.on('error', () => undefined);
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // Unreachable now: the connection is closed instead when it does not answer in time.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

/** `promise`'s value, or undefined when it takes longer than `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function cancelled(): R1flowError {
  return new R1flowError('NODE_CANCELLED', 'the query was cancelled');
}
