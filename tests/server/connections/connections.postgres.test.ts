// The server's connection service against real things: a throwaway PostgreSQL cluster, a model
// server, SQLite and DuckDB files and a TCP port. URLs are sealed in the store, listings and test
// results carry no password, and a connection sealed with another key says so.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../../engine/errors.ts';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import { Connections } from '../../../server/connections/connections.ts';
import { closedPort, sendJson, startScriptedServer } from '../../nodes/llm/scripted-server.ts';
import { type PostgresServer, startPostgresServer } from '../../support/postgres-server.ts';

let postgres: PostgresServer;
let dir: string;
let store: SqliteStore;
let connections: Connections;
const key = randomBytes(32);

beforeAll(async () => {
  postgres = await startPostgresServer();
  dir = mkdtempSync(join(tmpdir(), 'r1flow-connections-'));
});
afterAll(async () => {
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await store?.close();
  const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
  store = new SqliteStore(path);
  connections = new Connections(store.connections, () => key, { baseDir: dir, probeTimeoutMs: 3000 });
});

async function failureOf(promise: Promise<unknown>): Promise<R1flowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof R1flowError)) throw new Error(`expected an R1flowError, got ${String(error)}`);
  return error;
}

describe('Connections with PostgreSQL', () => {
  it('seals the URL, lists it without the password, and tests it with SELECT 1', async () => {
    const added = await connections.add({ name: 'sales', url: postgres.url });
    expect(added).toMatchObject({ name: 'sales', kind: 'postgres', lastTest: null });
    expect(added.address).toMatch(/^postgres:\/\/r1flow@127\.0\.0\.1:\d+\/postgres$/);
    const stored = await store.connections.get('sales');
    expect(stored!.urlSealed).not.toContain(postgres.password);
    for (const file of [store.path, `${store.path}-wal`].filter((f) => existsSync(f))) {
      expect(readFileSync(file).includes(Buffer.from(postgres.password))).toBe(false);
    }
    expect(JSON.stringify(await connections.list())).not.toContain(postgres.password);

    const tested = await connections.test('sales');
    expect(tested.lastTest).toMatchObject({ ok: true, message: 'connected; SELECT 1 answered' });
    expect((await connections.get('sales')).lastTest?.ok).toBe(true);
    expect(await connections.lookup('sales')).toEqual({ name: 'sales', kind: 'postgres', url: postgres.url });
  });

  it('reports a wrong password naming the connection and the user, never the password', async () => {
    const wrong = postgres.urlFor('postgres', { name: 'r1flow', password: 'not-the-Password-42' });
    await connections.add({ name: 'bad', url: wrong });
    const tested = await connections.test('bad');
    expect(tested.lastTest.ok).toBe(false);
    expect(tested.lastTest.message).toContain('connection "bad" (postgres) failed');
    expect(tested.lastTest.message).toContain('password authentication failed');
    expect(tested.lastTest.message).not.toContain('not-the-Password-42');
    expect(JSON.stringify(await connections.list())).not.toContain('not-the-Password-42');
  });

  it('reports a server that is down within the timeout', async () => {
    await connections.add({ name: 'down', url: `postgres://u:pw-down-1@127.0.0.1:${await closedPort()}/x` });
    const tested = await connections.test('down');
    expect(tested.lastTest).toMatchObject({ ok: false });
    expect(tested.lastTest.message).toMatch(/connection "down" \(postgres\) failed: .*ECONNREFUSED/);
    expect(tested.lastTest.message).not.toContain('pw-down-1');
  });
});

describe('Connections of other kinds', () => {
  let tcp: Server;
  let tcpPort: number;
  beforeAll(async () => {
    tcp = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => tcp.close(() => resolve())));

  it('lists a model server’s models with the password as the Bearer key', async () => {
    const server = await startScriptedServer((request, response) =>
      request.headers.authorization === 'Bearer sk-42'
        ? sendJson(response, 200, { data: [{ id: 'qwen' }] })
        : sendJson(response, 401, { message: 'bad key' }),
    );
    try {
      await connections.add({ name: 'llm', url: server.url.replace('http://', 'http://:sk-42@') });
      await connections.add({ name: 'llm-nokey', url: server.url });
      expect((await connections.test('llm')).lastTest).toEqual(
        expect.objectContaining({ ok: true, message: 'GET /models lists 1 model(s): qwen' }),
      );
      const refused = await connections.test('llm-nokey');
      expect(refused.lastTest).toMatchObject({ ok: false });
      expect(refused.lastTest.message).toContain('answered HTTP 401');
      expect(server.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/models']);
    } finally {
      await server.close();
    }
  });

  it('opens SQLite and DuckDB files read-only, relative paths beside the base folder', async () => {
    const sqlite = new Database(join(dir, 'hr.db'));
    sqlite.exec('CREATE TABLE staff (id INTEGER)');
    sqlite.close();
    const duck = await DuckDBInstance.create(join(dir, 'sales.duckdb'));
    const setup = await duck.connect();
    await setup.run('CREATE TABLE orders (id INTEGER)');
    setup.closeSync();
    duck.closeSync();
    writeFileSync(join(dir, 'junk.db'), 'not a database at all, just text that is long enough');

    await connections.add({ name: 'hr', url: 'hr.db' });
    await connections.add({ name: 'warehouse', url: join(dir, 'sales.duckdb') });
    await connections.add({ name: 'junk', url: 'junk.db' });
    await connections.add({ name: 'gone', url: 'gone.sqlite' });
    expect((await connections.get('hr')).address).toBe(join(dir, 'hr.db'));
    expect((await connections.test('hr')).lastTest).toMatchObject({
      ok: true,
      message: 'opened read-only; 1 table(s)',
    });
    expect((await connections.test('warehouse')).lastTest).toMatchObject({
      ok: true,
      message: 'opened read-only; 1 table(s)',
    });
    expect((await connections.test('junk')).lastTest).toMatchObject({ ok: false });
    expect((await connections.test('gone')).lastTest.message).toBe(
      'connection "gone" (sqlite) failed: the file does not exist',
    );
  });

  it('checks that Milvus accepts TCP connections', async () => {
    await connections.add({ name: 'vectors', url: `127.0.0.1:${tcpPort}`, kind: 'milvus' });
    await connections.add({ name: 'novectors', url: `127.0.0.1:${await closedPort()}`, kind: 'milvus' });
    expect((await connections.test('vectors')).lastTest.ok).toBe(true);
    expect((await connections.test('novectors')).lastTest.message).toContain('connection refused');
  });
});

describe('Connections bookkeeping', () => {
  it('refuses a taken name unless replacing, and forgets removed connections at once', async () => {
    await connections.add({ name: 'sales', url: 'postgres://a:one@db1/x' });
    const taken = await failureOf(connections.add({ name: 'sales', url: 'postgres://a:two@db2/x' }));
    expect(taken.code).toBe('CONNECTION_EXISTS');
    expect((await connections.lookup('sales')).url).toBe('postgres://a:one@db1/x');
    await connections.add({ name: 'sales', url: 'postgres://a:two@db2/x', replace: true });
    expect((await connections.lookup('sales')).url).toBe('postgres://a:two@db2/x');
    await connections.remove('sales');
    expect((await failureOf(connections.lookup('sales'))).code).toBe('CONNECTION_NOT_FOUND');
    expect((await failureOf(connections.remove('sales'))).code).toBe('CONNECTION_NOT_FOUND');
    expect((await failureOf(connections.test('sales'))).code).toBe('CONNECTION_NOT_FOUND');
  });

  it('says so when the connection was sealed with another key', async () => {
    await connections.add({ name: 'sales', url: 'postgres://a:one@db1/x' });
    const other = new Connections(store.connections, () => randomBytes(32));
    const error = await failureOf(other.lookup('sales'));
    expect(error.code).toBe('CONNECTION_UNREADABLE');
    expect(error.message).toContain('connection "sales" was sealed with another key');
    expect(error.message).not.toContain('one@db1');
  });

  it('reads the store again once the cache time has passed', async () => {
    const quick = new Connections(store.connections, () => key, { cacheMs: 0 });
    await connections.add({ name: 'sales', url: 'postgres://a:one@db1/x' });
    expect((await quick.lookup('sales')).url).toContain('db1');
    await connections.add({ name: 'sales', url: 'postgres://a:two@db2/x', replace: true });
    expect((await quick.lookup('sales')).url).toContain('db2');
  });
});
