// A child's open warehouse connections, one per file, opened read-only with `query_only` on as a
// second guard. A file replaced on disk (a rebuilt warehouse) is reopened, noticed by its inode.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

const MAX_OPEN = 32;

export class ReadonlyConnections {
  readonly #open = new Map<string, { db: Database.Database; inode: number }>();

  /** The connection to the SQLite file at absolute `path`, or undefined when there is no such file. */
  get(path: string): Database.Database | undefined {
    const inode = statSync(path, { throwIfNoEntry: false })?.ino;
    if (inode === undefined) return undefined;
    const cached = this.#open.get(path);
    this.#open.delete(path);
    if (cached?.inode === inode) {
      this.#open.set(path, cached); // most recently used last
      return cached.db;
    }
    cached?.db.close();
    if (this.#open.size >= MAX_OPEN) this.#closeOldest();
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    this.#open.set(path, { db, inode });
    return db;
  }

  /** Closes the least recently used connection. */
  #closeOldest(): void {
    const [path, entry] = this.#open.entries().next().value ?? [];
    if (path === undefined || entry === undefined) return;
    entry.db.close();
    this.#open.delete(path);
  }
}
