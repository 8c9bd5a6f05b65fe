import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { environmentSettings } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { resultsEqual } from '../../../eval/scoring/result-eq.ts';
import { executeCandidates } from '../../../nodes/sql/execute-candidates.ts';
import { PostgresExecutor } from '../../../nodes/sql/postgres/postgres-executor.ts';
import { voteOnResults } from '../../../nodes/sql/vote-on-results.ts';
import { connectionDatabase, executorFor } from '../../../nodes/sql/warehouse-executor.ts';
import type { Candidate } from '../../../nodes/types.ts';
import { waitFor } from '../../support/cli.ts';
import type { PostgresServer } from '../../support/postgres-server.ts';
import { startPostgresServer } from '../../support/postgres-server.ts';

let server: PostgresServer;
let executor: PostgresExecutor;
let warehouse: ResolvedConnection;
const database = connectionDatabase('wh');
const limits = { timeoutMs: 10_000, maxRows: 100, maxBytes: 256 * 1024 };

beforeAll(async () => {
  server = await startPostgresServer();
  const url = await server.createDatabase('wh');
  warehouse = { name: 'wh', kind: 'postgres', url };
  await server.query(
    `CREATE TABLE city (id int PRIMARY KEY, name text, population bigint, area numeric(8,2),
       big numeric, ratio float8, capital boolean, founded date, founded_text text,
       updated timestamp, seen timestamptz, photo bytea, tags text[], meta jsonb);
     INSERT INTO city VALUES
       (1, 'Paris', 9007199254740993, 105.40, 12345678901234567890.5, 0.5, true, '0508-01-02', '0508-01-02',
        '2024-01-02 03:04:05.25', '2024-01-02 03:04:05+02', '\\x6869', '{a,b}', '{"k": [1, 2]}'),
       (2, 'Oslo', 709037, 454, 3, 1e300, false, '1048-05-17', '1048-05-17',
        '2024-02-03 04:05:06', '2024-02-03 04:05:06.123456+00', NULL, '{}', 'null');
     CREATE TABLE secret (code text);
     INSERT INTO secret VALUES ('hunter2');
     CREATE VIEW city_secrets AS SELECT c.name, s.code FROM city c CROSS JOIN secret s;`,
    [],
    'wh',
  );
  executor = new PostgresExecutor();
});
afterAll(async () => {
  await executor?.close();
  await server?.close();
});

const run = (sql: string, extra: Partial<typeof limits & { allowedTables: string[] }> = {}) =>
  executor.execute(warehouse, { database, sql, ...limits, ...extra });

/** The backend cancel runs after the caller has its answer, so wait for it (well inside the 30 s sleep). */
async function waitUntilNoActiveQuery(pattern: string): Promise<void> {
  await waitFor(
    async () => {
      const active = await server.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()",
        [pattern],
      );
      return active[0]?.n === 0;
    },
    5_000,
    `no active backend running ${pattern}`,
  );
}

const candidate = (index: number, sql: string): Candidate => ({
  index,
  sql,
  reasoning: '',
  text: '',
  finishReason: 'stop',
});

describe('PostgreSQL executor', () => {
  it('answers cells as the vote reads them: exact numbers, ISO dates and timestamps, hex bytea, JSON text', async () => {
    const outcome = await run(
      'SELECT name, population, area, big, ratio, capital, founded, updated, seen, photo, tags, meta FROM city ORDER BY id',
    );
    expect(outcome).toMatchObject({ status: 'ok', truncated: false, rowCount: 2 });
    expect(outcome.columns).toEqual([
      'name',
      'population',
      'area',
      'big',
      'ratio',
      'capital',
      'founded',
      'updated',
      'seen',
      'photo',
      'tags',
      'meta',
    ]);
    expect(outcome.rows).toEqual([
      [
        'Paris',
        '9007199254740993',
        105.4,
        '12345678901234567890.5',
        0.5,
        true,
        '0508-01-02',
        '2024-01-02 03:04:05.25',
        '2024-01-02T01:04:05Z',
        "x'6869'",
        '["a","b"]',
        '{"k": [1, 2]}',
      ],
      [
        'Oslo',
        709037,
        454,
        3,
        1e300,
        false,
        '1048-05-17',
        '2024-02-03 04:05:06',
        '2024-02-03T04:05:06.123456Z',
        null,
        '[]',
        'null',
      ],
    ]);
  });

  it('puts bigint, numeric, int and float answers of one number in one vote cluster, and dates with date text', async () => {
    const results = await executeCandidates(
      executor.forConnection(warehouse),
      database,
      [
        candidate(0, 'SELECT count(*) + 1 FROM city'),
        candidate(1, 'SELECT 3::numeric'),
        candidate(2, 'SELECT 3'),
        candidate(3, 'SELECT 3.0::float8'),
        candidate(4, 'SELECT 3.00::numeric(5,2)'),
        candidate(5, 'SELECT founded FROM city'),
        candidate(6, 'SELECT founded_text FROM city'),
        candidate(7, 'SELECT capital FROM city WHERE id = 1'),
        candidate(8, 'SELECT 1'),
      ],
      limits,
    );
    const { clusters } = voteOnResults(results);
    // Booleans count as 1 and 0, as Python's True == 1 makes them in SQL-R1's vote and EX.
    expect(clusters.map((cluster) => cluster.members)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(resultsEqual(results[7]!.rows, results[8]!.rows, false)).toBe(true);
    expect(resultsEqual(results[1]!.rows, results[0]!.rows, false)).toBe(true);
  });

  it('cuts rows at the row cap and at the byte cap, saying which, without reading the rest', async () => {
    const byRows = await run('SELECT generate_series(1, 100000000)', { maxRows: 5 });
    expect(byRows).toMatchObject({ status: 'ok', rowCount: 5, truncated: true, truncatedBy: 'rows' });
    expect(byRows.rows).toEqual([[1], [2], [3], [4], [5]]);
    const many = await run('SELECT g FROM generate_series(1, 5000) g', { maxRows: 4000 });
    expect(many).toMatchObject({ rowCount: 4000, truncatedBy: 'rows' });
    const byBytes = await run("SELECT repeat('x', 1000) FROM generate_series(1, 100)", { maxBytes: 5000 });
    expect(byBytes).toMatchObject({ status: 'ok', truncated: true, truncatedBy: 'bytes' });
    expect(byBytes.rowCount).toBeLessThan(5);
    const all = await run('SELECT g FROM generate_series(1, 3) g', { maxRows: 3 });
    expect(all).toMatchObject({ rowCount: 3, truncated: false });
  });

  it('cancels runaways at the timeout, frees their connections and leaves nothing running', async () => {
    const results = await executeCandidates(
      executor.forConnection(warehouse),
      database,
      [
        candidate(0, 'SELECT pg_sleep(30)'),
        candidate(1, 'SELECT pg_sleep(30) AS b'),
        candidate(2, 'SELECT pg_sleep(30) AS c'),
      ],
      { ...limits, timeoutMs: 300 },
    );
    expect(results.map((r) => r.error?.code)).toEqual(['SQL_TIMEOUT', 'SQL_TIMEOUT', 'SQL_TIMEOUT']);
    expect((await run('SELECT count(*) FROM city')).rows).toEqual([[2]]);
    await waitUntilNoActiveQuery('%pg_sleep%');
  });

  it('stops a recursive runaway at the timeout', async () => {
    const outcome = await run(
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r',
      { timeoutMs: 300 },
    );
    expect(outcome).toMatchObject({ status: 'timeout', error: { code: 'SQL_TIMEOUT' } });
  });

  it('rejects with NODE_CANCELLED when the caller aborts, and cancels the backend', async () => {
    const abort = new AbortController();
    const pending = executor.execute(
      warehouse,
      { database, sql: 'SELECT pg_sleep(30) AS aborted', ...limits },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    await expect(run('SELECT 1')).resolves.toMatchObject({ status: 'ok' });
    await waitUntilNoActiveQuery('%AS aborted%');
  });

  it('classifies syntax errors, missing tables and writes', async () => {
    expect(await run('SELEC name FROM city')).toMatchObject({
      status: 'error',
      error: { code: 'SQL_SYNTAX' },
    });
    expect(await run('SELECT * FROM nowhere')).toMatchObject({
      status: 'error',
      error: { code: 'SQL_ERROR' },
    });
    expect(await run('   ')).toMatchObject({ error: { code: 'SQL_EMPTY' } });
    expect(await run('-- only a comment')).toMatchObject({ status: 'error', error: { code: 'SQL_EMPTY' } });
    expect(await run('DELETE FROM city')).toMatchObject({
      status: 'readonly_violation',
      error: { code: 'SQL_READONLY_VIOLATION' },
    });
    expect(await run('SELECT * INTO copy_of_city FROM city')).toMatchObject({
      status: 'readonly_violation',
      error: { code: 'SQL_READONLY_VIOLATION' },
    });
  });

  it('runs one statement only: the second of `SELECT 1; DROP TABLE` never runs', async () => {
    for (const sql of ['SELECT 1; DROP TABLE secret', 'SELECT 1; DROP TABLE secret;']) {
      expect(await run(sql)).toMatchObject({
        status: 'readonly_violation',
        error: { code: 'SQL_READONLY_VIOLATION', message: 'only one statement may run at a time' },
      });
    }
    expect(await run('SELECT 1;')).toMatchObject({ status: 'ok', rows: [[1]] });
    expect(await server.query('SELECT code FROM secret', [], 'wh')).toEqual([{ code: 'hunter2' }]);
  });

  it('refuses tables outside allowedTables, through joins, subqueries, CTEs and views', async () => {
    const allowed = { allowedTables: ['city'] };
    expect(await run('SELECT name FROM city', allowed)).toMatchObject({ status: 'ok' });
    expect(await run('SELECT name FROM public.city', { allowedTables: ['public.CITY'] })).toMatchObject({
      status: 'ok',
    });
    for (const sql of [
      'SELECT c.name FROM city c, secret s',
      'SELECT name FROM city WHERE EXISTS (SELECT 1 FROM secret)',
      'WITH s AS (SELECT code FROM secret) SELECT * FROM s',
      'SELECT * FROM city_secrets',
      'SELECT rolname FROM pg_roles',
    ]) {
      const outcome = await run(sql, allowed);
      expect(outcome, sql).toMatchObject({ status: 'forbidden', error: { code: 'SQL_TABLE_FORBIDDEN' } });
    }
    expect((await run('SELECT * FROM city_secrets', allowed)).error?.message).toContain('public.secret');
  });

  it('fails with WAREHOUSE_CONNECT_FAILED naming the connection, never its password', async () => {
    const cases: ResolvedConnection[] = [
      {
        name: 'wrong-pw',
        kind: 'postgres',
        url: server.urlFor('wh', { name: 'r1flow', password: 'sesame-nope' }),
      },
      { name: 'no-db', kind: 'postgres', url: server.urlFor('missing_db') },
      { name: 'no-server', kind: 'postgres', url: `postgres://r1flow:${server.password}@127.0.0.1:1/wh` },
    ];
    for (const connection of cases) {
      const error = await executor
        .execute(connection, { database: connectionDatabase(connection.name), sql: 'SELECT 1', ...limits })
        .then(
          () => undefined,
          (e: unknown) => e as Error & { code: string },
        );
      expect(error?.code, connection.name).toBe('WAREHOUSE_CONNECT_FAILED');
      expect(error?.message).toContain(`"${connection.name}"`);
      expect(error?.message).not.toContain(server.password);
      expect(error?.message).not.toContain('sesame-nope');
    }
  });

  it('shares the pool fairly: one run’s runaways leave a connection for another run', async () => {
    const small = new PostgresExecutor({ poolSize: 3 });
    try {
      const sleepers = [1, 2, 3].map((n) =>
        small.execute(
          warehouse,
          { database, sql: `SELECT pg_sleep(30), ${n}`, ...limits, timeoutMs: 1500 },
          { owner: 'greedy' },
        ),
      );
      const order: string[] = [];
      void Promise.all(sleepers).then(() => order.push('sleepers'));
      const quick = await small.execute(
        warehouse,
        { database, sql: 'SELECT 42', ...limits },
        { owner: 'other' },
      );
      order.push('other');
      expect(quick.rows).toEqual([[42]]);
      await Promise.all(sleepers);
      expect(order).toEqual(['other', 'sleepers']);
    } finally {
      await small.close();
    }
  });

  it('is sql.execute’s executor for postgres warehouses named by a connection', async () => {
    const resources = new ResourcePool();
    const connections = new Map<string, ResolvedConnection>([
      ['wh', warehouse],
      ['files', { name: 'files', kind: 'sqlite', url: 'file:///tmp/x.sqlite' }],
    ]);
    const settings = {
      ...environmentSettings,
      connection: async (name: string) => connections.get(name) as ResolvedConnection,
    };
    try {
      const ctx = createNodeContext({ resources, settings });
      const chosen = await executorFor(ctx, { database, dialect: 'postgres' });
      const results = await executeCandidates(
        chosen,
        database,
        [candidate(0, 'SELECT count(*) FROM city'), candidate(1, 'DROP TABLE city')],
        limits,
      );
      expect(results.map((r) => r.status)).toEqual(['ok', 'readonly_violation']);
      await expect(
        executorFor(ctx, { database: connectionDatabase('files'), dialect: 'postgres' }),
      ).rejects.toThrow(/sqlite connection/);
      await expect(executorFor(ctx, { database: '/tmp/wh.sqlite', dialect: 'postgres' })).rejects.toThrow(
        /connection:NAME/,
      );
    } finally {
      await resources.disposeAll();
    }
  });
});
