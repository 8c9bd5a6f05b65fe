// The connections table of a SQLite store.
import type { Statement } from 'better-sqlite3';
import type {
  ConnectionDraft,
  ConnectionRecords,
  ConnectionTestResult,
  StoredConnection,
} from './connection-records.ts';
import { connectionFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

export class SqliteConnectionRecords implements ConnectionRecords {
  readonly #sql: (text: string) => Statement;

  constructor(sql: (text: string) => Statement) {
    this.#sql = sql;
  }

  async put(draft: ConnectionDraft, at: number, options: { replace?: boolean } = {}): Promise<boolean> {
    const conflict = options.replace
      ? `ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url_sealed = excluded.url_sealed,
           display = excluded.display, updated_at = excluded.updated_at,
           last_test_at = NULL, last_test_ok = NULL, last_test_message = NULL`
      : 'ON CONFLICT (name) DO NOTHING';
    return (
      this.#sql(
        `INSERT INTO connections (name, kind, url_sealed, display, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ${conflict}`,
      ).run(draft.name, draft.kind, draft.urlSealed, draft.display, at, at).changes > 0
    );
  }

  async get(name: string): Promise<StoredConnection | null> {
    const row = this.#sql('SELECT * FROM connections WHERE name = ?').get(name) as Row | undefined;
    return row ? connectionFromRow(row) : null;
  }

  async list(): Promise<StoredConnection[]> {
    return (this.#sql('SELECT * FROM connections ORDER BY name').all() as Row[]).map(connectionFromRow);
  }

  async remove(name: string): Promise<boolean> {
    return this.#sql('DELETE FROM connections WHERE name = ?').run(name).changes > 0;
  }

  async recordTest(name: string, result: ConnectionTestResult): Promise<boolean> {
    return (
      this.#sql(
        'UPDATE connections SET last_test_at = ?, last_test_ok = ?, last_test_message = ? WHERE name = ?',
      ).run(result.at, result.ok ? 1 : 0, result.message, name).changes > 0
    );
  }
}
