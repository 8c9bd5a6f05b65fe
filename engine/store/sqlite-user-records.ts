// The users and user_roles tables of a SQLite store. Every authenticated request reads a user, so
// the statements are prepared once (statement cache).
import type { Database, Statement } from 'better-sqlite3';
import { userFromRow } from './repository-row-mappers.ts';
import { type Row, toJson } from './row-mappers.ts';
import type { Role, StoredUser, UserChange, UserRecords } from './user-records.ts';

export class SqliteUserRecords implements UserRecords {
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;

  constructor(db: Database, sql: (text: string) => Statement) {
    this.#db = db;
    this.#sql = sql;
  }

  async insert(user: Omit<StoredUser, 'disabledAt' | 'access' | 'roleAccess'>): Promise<void> {
    this.#db.transaction(() => {
      this.#sql('INSERT INTO users (id, name, password_hash, created_at) VALUES (?, ?, ?, ?)').run(
        user.id,
        user.name,
        user.passwordHash,
        user.createdAt,
      );
      for (const [project, role] of Object.entries(user.roles)) this.#setRole(user.id, project, role);
    })();
  }

  async byId(id: string): Promise<StoredUser | null> {
    return this.#withRoles(this.#sql('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined);
  }

  async byName(name: string): Promise<StoredUser | null> {
    return this.#withRoles(this.#sql('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined);
  }

  async list(): Promise<StoredUser[]> {
    const rows = this.#sql('SELECT * FROM users ORDER BY created_at, rowid').all() as Row[];
    return rows.map((row) => this.#withRoles(row)!);
  }

  async count(): Promise<number> {
    return this.#sql('SELECT count(*) FROM users').pluck().get() as number;
  }

  async update(id: string, change: UserChange): Promise<boolean> {
    if (this.#sql('SELECT 1 FROM users WHERE id = ?').get(id) === undefined) return false;
    switch (change.kind) {
      case 'role':
        this.#setRole(id, change.project, change.role);
        break;
      case 'disabled':
        this.#sql('UPDATE users SET disabled_at = ? WHERE id = ?').run(change.at, id);
        break;
      case 'password':
        this.#sql('UPDATE users SET password_hash = ? WHERE id = ?').run(change.hash, id);
        break;
      case 'access':
        this.#sql('UPDATE users SET access = ? WHERE id = ?').run(toJson(change.access), id);
        break;
      case 'roleAccess':
        return (
          this.#sql('UPDATE user_roles SET access = ? WHERE user_id = ? AND project = ?').run(
            toJson(change.access),
            id,
            change.project,
          ).changes > 0
        );
    }
    return true;
  }

  async remove(id: string): Promise<boolean> {
    return this.#db.transaction(() => {
      this.#sql('DELETE FROM user_roles WHERE user_id = ?').run(id);
      this.#sql('DELETE FROM api_keys WHERE user_id = ?').run(id);
      return this.#sql('DELETE FROM users WHERE id = ?').run(id).changes > 0;
    })();
  }

  #setRole(userId: string, project: string, role: Role | null): void {
    if (role === null)
      this.#sql('DELETE FROM user_roles WHERE user_id = ? AND project = ?').run(userId, project);
    else {
      this.#sql(
        'INSERT INTO user_roles (user_id, project, role) VALUES (?, ?, ?) ON CONFLICT (user_id, project) DO UPDATE SET role = excluded.role',
      ).run(userId, project, role);
    }
  }

  #withRoles(row: Row | undefined): StoredUser | null {
    if (!row) return null;
    const roles = this.#sql(
      'SELECT project, role, access FROM user_roles WHERE user_id = ? ORDER BY project',
    ).all(row.id) as Row[];
    return userFromRow(row, roles);
  }
}
