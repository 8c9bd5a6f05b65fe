// A real PostgreSQL server (Debian's `postgresql` package) for tests: a throwaway cluster made by
// initdb in a temp dir, listening on a free 127.0.0.1 port with its socket in the same dir, password
// authentication over TCP (so "wrong password" is testable), fsync off, nothing kept afterwards.
// PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
// `postgres` system user and its processes run as that user.
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './redis-server.ts';

export interface PostgresServer {
  /** `postgres://r1flow:<password>@127.0.0.1:<port>/postgres` (the superuser). */
  url: string;
  port: number;
  password: string;
  dir: string;
  /** The URL of `database` as `user` (default the superuser and its password). */
  urlFor(database: string, user?: { name: string; password: string }): string;
  /** Creates a database (owned by the superuser) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on `database` (default `postgres`). */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<Row[]>;
  /** Stops the server (SIGTERM: fast shutdown; SIGKILL: a crash), keeping the cluster. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes the cluster. */
  close(): Promise<void>;
}

const SUPERUSER = 'r1flow';

/** The directory of Debian's PostgreSQL binaries (the newest installed major version). */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export interface PostgresServerOptions {
  /**
   * Acknowledge a commit only once its WAL is written out of PostgreSQL's memory (the server's
   * default), so that killing the server (`stop('SIGKILL')`) loses no commit a client was told
   * of. Off by default: tests that never kill the server mid-write run faster without it.
   */
  durableCommits?: boolean;
}

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) {
    throw new Error('PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)');
  }
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-pg-'));
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const passwordFile = join(dir, 'pwfile');
  writeFileSync(passwordFile, `${password}\n`);
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const data = join(dir, 'data');
  execFileSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      SUPERUSER,
      `--pwfile=${passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
    ],
    { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C.UTF-8' }, ...(owner ?? {}) },
  );
  rmSync(passwordFile);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    // fsync=off only risks data when the machine crashes; synchronous_commit=off also when the server does.
    args.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
    if (!options.durableCommits) args.push('-c', 'synchronous_commit=off');
    args.push('-c', 'max_connections=200', '-c', 'shared_buffers=32MB', '-c', 'log_min_messages=fatal');
    child = spawn(join(bin, 'postgres'), args, { stdio: 'ignore', ...(owner ?? {}) });
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    await waitUntilReady(`postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`, exited);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // SIGINT is PostgreSQL's fast shutdown; SIGKILL of the postmaster leaves its backends, which a
    // restart on the same directory refuses, so they are killed with it.
    if (signal === 'SIGKILL') killBackends(child.pid);
    child.kill(signal === 'SIGKILL' ? 'SIGKILL' : 'SIGINT');
    await exited;
  };
  await start();
  const urlFor = (database: string, user = { name: SUPERUSER, password }) =>
    `postgres://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@127.0.0.1:${port}/${database}`;
  const query = async <Row extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ) => {
    const client = new pg.Client({ connectionString: urlFor(database) });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: urlFor('postgres'),
    port,
    password,
    dir,
    urlFor,
    query,
    async createDatabase(name) {
      await query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return urlFor(name);
    },
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `postgres` user's ids when running as root (PostgreSQL refuses root); undefined otherwise. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function killBackends(postmasterPid: number | undefined): void {
  if (postmasterPid === undefined) return;
  try {
    execFileSync('pkill', ['-KILL', '-P', String(postmasterPid)], { stdio: 'ignore' });
  } catch {
    // No children left.
  }
}

async function waitUntilReady(url: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error('postgres exited before accepting connections');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
