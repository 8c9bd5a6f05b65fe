import { beforeAll, describe, expect, test } from 'vitest';
import executeNode from '../../../nodes/sql/execute.node.ts';
import { executeCandidates, type SqlExecutor } from '../../../nodes/sql/execute-candidates.ts';
import type { SqlSandboxPool } from '../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { sqlSandboxPoolResource } from '../../../nodes/sql/sandbox/sql-sandbox-resource.ts';
import type { Candidate } from '../../../nodes/types.ts';
import { candidate, executeFixture, runExecuteNode } from './execute-node-harness.ts';

const fixture = executeFixture();

function runNode(
  candidates: Candidate[],
  params: Record<string, unknown> = {},
  database = fixture.warehouse.path,
) {
  return runExecuteNode({ resources: fixture.resources, database, candidates, params });
}

const KYLE = 'SELECT name FROM singer WHERE singer_id = 1';
const ANA = 'SELECT name FROM singer WHERE singer_id = 2';

describe('sql.execute@1', () => {
  test('is the sql lane node with SQL-R1 defaults: 10 s timeout, 1000 rows, 256 KiB, every candidate run', () => {
    expect(executeNode.key).toBe('sql.execute@1');
    expect(executeNode.lane).toBe('sql');
    expect(executeNode.family).toBe('sql');
    expect(executeNode.params.parse({})).toEqual({
      timeoutMs: 10_000,
      maxRows: 1000,
      maxBytes: 256 * 1024,
      stopWhenDecided: false,
    });
  });

  test('every candidate gets its result, in the order given, each keeping its own index', async () => {
    const { results } = await runNode([
      candidate(0, ANA),
      candidate(1, KYLE),
      candidate(2, 'SELECT nope FROM singer'),
      candidate(3, ANA),
    ]);
    expect(results.database).toBe(fixture.warehouse.path);
    expect(results.candidates.map((c) => [c.index, c.status, c.rows])).toEqual([
      [0, 'ok', [['Ana']]],
      [1, 'ok', [['Kyle']]],
      [2, 'error', []],
      [3, 'ok', [['Ana']]],
    ]);
    expect(results.candidates[2]?.error?.code).toBe('SQL_ERROR');
  });

  test('candidates without SQL are empty and never run', async () => {
    const { results } = await runNode([candidate(0, null), candidate(1, '  '), candidate(2, KYLE)]);
    expect(results.candidates.map((c) => c.status)).toEqual(['empty', 'empty', 'ok']);
    expect(results.candidates[0]).toMatchObject({ sql: null, rows: [], error: { code: 'SQL_EMPTY' } });
  });

  test('progress counts distinct queries', async () => {
    const { progress } = await runNode([candidate(0, KYLE), candidate(1, KYLE), candidate(2, ANA)]);
    expect(progress.map((p) => p.fraction)).toEqual([0.5, 1]);
    expect(progress.at(-1)?.message).toMatch(/2 of 2/);
  });

  test('maxRows and allowedTables params apply to every candidate', async () => {
    const { results } = await runNode(
      [candidate(0, 'SELECT name FROM singer'), candidate(1, 'SELECT amount FROM salary')],
      { maxRows: 2, allowedTables: ['singer'] },
    );
    expect(results.candidates[0]).toMatchObject({ status: 'ok', rowCount: 2, truncated: true });
    expect(results.candidates[1]).toMatchObject({
      status: 'forbidden',
      error: { code: 'SQL_TABLE_FORBIDDEN' },
    });
  });

  test('a warehouse that does not exist fails the node with WAREHOUSE_NOT_FOUND', async () => {
    await expect(
      runNode([candidate(0, KYLE)], {}, `${fixture.warehouse.dir}/gone.sqlite`),
    ).rejects.toMatchObject({
      code: 'WAREHOUSE_NOT_FOUND',
    });
  });

  test('a run with no candidates answers no results', async () => {
    expect((await runNode([])).results.candidates).toEqual([]);
  });
});

describe('executeCandidates', () => {
  let pool: SqlSandboxPool;
  let calls: string[];
  let inFlight = 0;
  let mostInFlight = 0;
  const counting: SqlExecutor = {
    async execute(request, options) {
      calls.push(request.sql);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await pool.execute(request, options);
      } finally {
        inFlight -= 1;
      }
    },
  };

  beforeAll(async () => {
    pool = await fixture.resources.get(sqlSandboxPoolResource);
  });

  test('each distinct SQL text runs once; duplicates share its result', async () => {
    calls = [];
    const executed = await executeCandidates(
      counting,
      fixture.warehouse.path,
      [candidate(0, KYLE), candidate(1, ANA), candidate(2, KYLE), candidate(3, KYLE), candidate(4, null)],
      { timeoutMs: 10_000, maxRows: 10 },
    );
    expect(calls.sort()).toEqual([KYLE, ANA].sort());
    expect(executed.map((c) => [c.index, c.rows])).toEqual([
      [0, [['Kyle']]],
      [1, [['Ana']]],
      [2, [['Kyle']]],
      [3, [['Kyle']]],
      [4, []],
    ]);
  });

  test('concurrency bounds how many of the queries are in the pool at once', async () => {
    calls = [];
    mostInFlight = 0;
    const candidates = Array.from({ length: 6 }, (_, i) => candidate(i, `SELECT ${i}`));
    const executed = await executeCandidates(counting, fixture.warehouse.path, candidates, {
      timeoutMs: 10_000,
      maxRows: 10,
      concurrency: 1,
    });
    expect(mostInFlight).toBe(1);
    expect(executed.map((c) => c.rows)).toEqual(Array.from({ length: 6 }, (_, i) => [[i]]));
  });
});

describe('sql.execute@1 caps the bytes of each candidate', () => {
  test('rows past maxBytes (as JSON) are cut and the cut is marked bytes; the row cap is marked rows', async () => {
    const counting =
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500) SELECT x, printf("%0100d", x) FROM n';
    const big = (await runNode([candidate(0, counting)], { maxBytes: 1000 })).results.candidates[0];
    const small = (await runNode([candidate(0, 'SELECT name FROM singer')], { maxRows: 2 })).results
      .candidates[0];
    expect(big).toMatchObject({ status: 'ok', truncated: true, truncatedBy: 'bytes' });
    expect(Buffer.byteLength(JSON.stringify(big?.rows))).toBeLessThanOrEqual(1000);
    expect(big?.rowCount).toBe(big?.rows.length);
    expect(big?.rows.length).toBeGreaterThan(0);
    expect(small).toMatchObject({ status: 'ok', rowCount: 2, truncated: true, truncatedBy: 'rows' });
  });

  test('a result under both caps is not marked', async () => {
    const { results } = await runNode([candidate(0, KYLE)]);
    expect(results.candidates[0]).toMatchObject({ truncated: false });
    expect(results.candidates[0]?.truncatedBy).toBeUndefined();
  });
});
