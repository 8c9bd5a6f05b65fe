// The PostgreSQL store's connection pool, as the repositories use it: queries with `$n`
// parameters answering plain rows, and transactions on one pooled client. Every failure that means
// the server cannot be reached becomes STORE_UNAVAILABLE (postgres-errors.ts).
import pg from 'pg';
import type { Row } from '../row-mappers.ts';
import { storeError } from './postgres-errors.ts';

/** What a statement needs: the pool, or the client of an open transaction. */
export interface Sql {
  rows(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** The first row, or undefined. */
  row(text: string, params?: readonly unknown[]): Promise<Row | undefined>;
  /** How many rows the statement changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
}

const INT8_OID = 20;
const POOL_SIZE = 10;

/**
 * BIGINT columns hold epoch milliseconds and sequence numbers, all far below 2^53: they come back
 * as numbers, like SQLite's. Set on this pool only, so other pg users in the process keep strings.
 */
const storeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** How long a transaction may sit idle before PostgreSQL ends it and frees its locks. */
const IDLE_IN_TRANSACTION_MS = 5_000;

export class PostgresDatabase implements Sql {
  readonly #pool: pg.Pool;
  readonly #url: string;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: POOL_SIZE,
      types: storeTypes,
      // A process paused mid-transaction (SIGSTOP, a frozen VM) would hold its row and advisory
      // locks for as long as it sleeps: claims skip locked runs and commits wait on the event lock,
      // so one sleeping server would stall the takeover of its runs. The server ends such a
      // transaction instead; r1flow's transactions never sit idle for anything close to this.
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    });
    // An idle client whose server went away emits here; unhandled it would end the process. The
    // next query on a fresh client reports the outage.
    this.#pool.on('error', () => undefined);
  }

  async rows(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.#query(this.#pool, text, params)).rows;
  }

  async row(text: string, params: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(text, params))[0];
  }

  async run(text: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.#query(this.#pool, text, params)).rowCount ?? 0;
  }

  /** Runs `work` in one transaction (READ COMMITTED), committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeError(error, this.#url);
    }
    const sql: Sql = {
      rows: async (text, params = []) => (await this.#query(client, text, params)).rows,
      row: async (text, params = []) => (await this.#query(client, text, params)).rows[0],
      run: async (text, params = []) => (await this.#query(client, text, params)).rowCount ?? 0,
    };
    let broken: unknown;
    // A checked-out client has no listener of the pool's: its socket failing between statements
    // (the server killed mid-transaction) would be an unhandled 'error' event, which ends the
    // process. Heard here, it fails the statement in progress or the next one, and the client is
    // discarded on release.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await sql.run('BEGIN');
      const result = await work(sql);
      await sql.run('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw storeError(error, this.#url);
    } finally {
      client.off('error', onError);
      // A client whose rollback failed may be mid-transaction: it is discarded, not reused.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async #query(
    target: pg.Pool | pg.PoolClient,
    text: string,
    params: readonly unknown[],
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await target.query<Row>(text, params as unknown[]);
    } catch (error) {
      throw storeError(error, this.#url);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
