// Reads a query's rows in batches through a named portal of the extended protocol, one round trip
// per batch: the first batch parses, binds and executes up to `rows` rows, then Syncs; later ones
// execute the same portal again. Inside an explicit transaction a portal outlives Sync until the
// transaction ends, so no Close is needed (the caller's ROLLBACK drops it), which saves pg-cursor's
// extra round trip per candidate. The extended protocol also refuses a text with two statements.
// Cells are parsed from PostgreSQL's text format by `postgresCellTypes`.
import type pg from 'pg';
import type { Cell } from '../../types.ts';
import { postgresCellTypes } from './postgres-cells.ts';

export interface PortalBatch {
  columns: string[];
  rows: Cell[][];
  /** More rows wait in the portal (the batch stopped at its row count). */
  more: boolean;
  /** The text held no statement at all (only comments or blanks). */
  empty: boolean;
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
}

let nextPortal = 1;

/** A portal of one query on one client; valid until the client's transaction ends. */
export class PortalReader {
  readonly #client: pg.ClientBase;
  readonly #sql: string;
  readonly #portal = `r1flow_${nextPortal++}`;
  #fields: FieldDescription[] | undefined;

  constructor(client: pg.ClientBase, sql: string) {
    this.#client = client;
    this.#sql = sql;
  }

  /** The next `rows` rows (at least 1); rejects with pg's error when the query fails. */
  read(rows: number): Promise<PortalBatch> {
    return new Promise((resolve, reject) => {
      const first = this.#fields === undefined;
      const batch: PortalBatch = { columns: [], rows: [], more: false, empty: false };
      let parsers: ((text: string) => Cell)[] = [];
      let settled = false;
      const describe = (fields: FieldDescription[]) => {
        this.#fields = fields;
        parsers = fields.map((field) => postgresCellTypes.getTypeParser(field.dataTypeID));
      };
      if (!first) describe(this.#fields as FieldDescription[]);
      const submittable = {
        submit: (connection: ProtocolConnection) => {
          if (first) {
            connection.parse({ text: this.#sql }, true);
            connection.bind({ portal: this.#portal, values: [] }, true);
            connection.describe({ type: 'P', name: this.#portal }, true);
          }
          connection.execute({ portal: this.#portal, rows: Math.max(1, rows) }, true);
          connection.sync();
        },
        handleRowDescription: (message: { fields: FieldDescription[] }) => describe(message.fields),
        handleDataRow: (message: { fields: (string | null)[] }) => {
          batch.rows.push(
            message.fields.map((text, i) =>
              text === null ? null : (parsers[i] as (t: string) => Cell)(text),
            ),
          );
        },
        handlePortalSuspended: () => {
          batch.more = true;
        },
        handleCommandComplete: () => undefined,
        handleEmptyQuery: () => {
          batch.empty = true;
          this.#fields = [];
        },
        // A server error is followed by ReadyForQuery (we sent Sync), which the client waits for
        // before it sends anything else; a lost connection has none. Either way the batch fails now.
        handleError: (error: Error) => {
          if (settled) return;
          settled = true;
          reject(error);
        },
        handleReadyForQuery: () => {
          if (settled) return;
          settled = true;
          batch.columns = (this.#fields ?? []).map((field) => field.name);
          resolve(batch);
        },
      };
      this.#client.query(submittable as unknown as pg.Submittable);
    });
  }
}

/** The message writers of pg's Connection that a portal read uses (pg's types do not export Connection's). */
interface ProtocolConnection {
  parse(message: { text: string }, more: boolean): void;
  bind(message: { portal: string; values: unknown[] }, more: boolean): void;
  describe(message: { type: 'P'; name: string }, more: boolean): void;
  execute(message: { portal: string; rows: number }, more: boolean): void;
  sync(): void;
}
