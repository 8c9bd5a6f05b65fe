// The users and user_roles tables of a PostgreSQL store. Names are unique and found whatever
// their case (a unique index on lower(name)).
import { userFromRow } from '../repository-row-mappers.ts';
import type { Row } from '../row-mappers.ts';
import { toJson } from '../row-mappers.ts';
import type { Role, StoredUser, UserChange, UserRecords } from '../user-records.ts';
import type { PostgresDatabase, Sql } from './postgres-database.ts';

export class PostgresUserRecords implements UserRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async insert(user: Omit<StoredUser, 'disabledAt' | 'access' | 'roleAccess'>): Promise<void> {
    await this.#db.transaction(async (sql) => {
      await sql.run('INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)', [
        user.id,
        user.name,
        user.passwordHash,
        user.createdAt,
      ]);
      for (const [project, role] of Object.entries(user.roles)) await setRole(sql, user.id, project, role);
    });
  }

  async byId(id: string): Promise<StoredUser | null> {
    return this.#withRoles(await this.#db.row('SELECT * FROM users WHERE id = $1', [id]));
  }

  async byName(name: string): Promise<StoredUser | null> {
    return this.#withRoles(await this.#db.row('SELECT * FROM users WHERE lower(name) = lower($1)', [name]));
  }

  async list(): Promise<StoredUser[]> {
    const rows = await this.#db.rows('SELECT * FROM users ORDER BY created_at, row_order');
    return Promise.all(rows.map(async (row) => (await this.#withRoles(row))!));
  }

  async count(): Promise<number> {
    return (await this.#db.row('SELECT count(*) AS n FROM users'))!.n as number;
  }

  async update(id: string, change: UserChange): Promise<boolean> {
    if ((await this.#db.row('SELECT 1 FROM users WHERE id = $1', [id])) === undefined) return false;
    switch (change.kind) {
      case 'role':
        await setRole(this.#db, id, change.project, change.role);
        break;
      case 'disabled':
        await this.#db.run('UPDATE users SET disabled_at = $1 WHERE id = $2', [change.at, id]);
        break;
      case 'password':
        await this.#db.run('UPDATE users SET password_hash = $1 WHERE id = $2', [change.hash, id]);
        break;
      case 'access':
        await this.#db.run('UPDATE users SET access = $1 WHERE id = $2', [toJson(change.access), id]);
        break;
      case 'roleAccess':
        return (
          (await this.#db.run('UPDATE user_roles SET access = $1 WHERE user_id = $2 AND project = $3', [
            toJson(change.access),
            id,
            change.project,
          ])) > 0
        );
    }
    return true;
  }

  async remove(id: string): Promise<boolean> {
    return this.#db.transaction(async (sql) => {
      await sql.run('DELETE FROM user_roles WHERE user_id = $1', [id]);
      await sql.run('DELETE FROM api_keys WHERE user_id = $1', [id]);
      return (await sql.run('DELETE FROM users WHERE id = $1', [id])) > 0;
    });
  }

  async #withRoles(row: Row | undefined): Promise<StoredUser | null> {
    if (!row) return null;
    const roles = await this.#db.rows(
      'SELECT project, role, access FROM user_roles WHERE user_id = $1 ORDER BY project COLLATE "C"',
      [row.id],
    );
    return userFromRow(row, roles);
  }
}

async function setRole(sql: Sql, userId: string, project: string, role: Role | null): Promise<void> {
  if (role === null) {
    await sql.run('DELETE FROM user_roles WHERE user_id = $1 AND project = $2', [userId, project]);
  } else {
    await sql.run(
      'INSERT INTO user_roles (user_id, project, role) VALUES ($1, $2, $3) ON CONFLICT (user_id, project) DO UPDATE SET role = excluded.role',
      [userId, project, role],
    );
  }
}
