// The connections table of a PostgreSQL store.
import type {
  ConnectionDraft,
  ConnectionRecords,
  ConnectionTestResult,
  StoredConnection,
} from '../connection-records.ts';
import { connectionFromRow } from '../repository-row-mappers.ts';
import type { Sql } from './postgres-database.ts';

export class PostgresConnectionRecords implements ConnectionRecords {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async put(draft: ConnectionDraft, at: number, options: { replace?: boolean } = {}): Promise<boolean> {
    const conflict = options.replace
      ? `ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url_sealed = excluded.url_sealed,
           display = excluded.display, updated_at = excluded.updated_at,
           last_test_at = NULL, last_test_ok = NULL, last_test_message = NULL`
      : 'ON CONFLICT (name) DO NOTHING';
    return (
      (await this.#sql.run(
        `INSERT INTO connections (name, kind, url_sealed, display, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) ${conflict}`,
        [draft.name, draft.kind, draft.urlSealed, draft.display, at],
      )) > 0
    );
  }

  async get(name: string): Promise<StoredConnection | null> {
    const row = await this.#sql.row('SELECT * FROM connections WHERE name = $1', [name]);
    return row ? connectionFromRow(row) : null;
  }

  async list(): Promise<StoredConnection[]> {
    // COLLATE "C": byte order, as SQLite's BINARY collation sorts names.
    return (await this.#sql.rows('SELECT * FROM connections ORDER BY name COLLATE "C"')).map(
      connectionFromRow,
    );
  }

  async remove(name: string): Promise<boolean> {
    return (await this.#sql.run('DELETE FROM connections WHERE name = $1', [name])) > 0;
  }

  async recordTest(name: string, result: ConnectionTestResult): Promise<boolean> {
    return (
      (await this.#sql.run(
        'UPDATE connections SET last_test_at = $1, last_test_ok = $2, last_test_message = $3 WHERE name = $4',
        [result.at, result.ok ? 1 : 0, result.message, name],
      )) > 0
    );
  }
}
