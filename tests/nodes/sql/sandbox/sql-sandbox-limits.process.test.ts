import { execFileSync } from 'node:child_process';
import { describe, expect, test, vi } from 'vitest';
import type { SqlOutcome } from '../../../../nodes/sql/sandbox/sql-outcome.ts';
import { RUNAWAY, sandboxPoolFixture } from './pool-fixture.ts';
import { sandboxChildPids } from './sandbox-children.ts';

// One string that grows by 2 MB a row: all of it is SQLite's memory, none of it V8's heap.
const SQLITE_MEMORY_EATER =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000) SELECT length(group_concat(hex(randomblob(1000000)))) FROM n';

const fixture = sandboxPoolFixture();
const { startPool } = fixture;

function request(sql: string, timeoutMs = 60_000) {
  return { database: fixture.warehouse.path, sql, timeoutMs, maxRows: 100 };
}

describe('a query that allocates a lot is stopped and reported as SQL_MEMORY_LIMIT', () => {
  test("memory SQLite allocates (outside V8's heap) is stopped by the pool's RSS watchdog", async () => {
    const pool = startPool({ size: 1, spares: 0, maxRssMb: 200 });
    const outcome = await pool.execute(request(SQLITE_MEMORY_EATER));
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'SQL_MEMORY_LIMIT' } });
    expect(outcome.error?.message).toMatch(/MiB of memory, past the limit of 200 MiB/);
    expect(await pool.execute(request('SELECT count(*) FROM song'))).toMatchObject({ rows: [[3]] });
  });
});

describe('runs share the pool fairly', () => {
  test("a run's runaways hold at most maxPerOwner children, so another run's question answers meanwhile", async () => {
    const pool = startPool({ size: 2, spares: 0 });
    await pool.whenReady();
    const settled: string[] = [];
    const controller = new AbortController();
    const hostile = Array.from({ length: 4 }, (_, i) =>
      pool
        .execute(request(`${RUNAWAY} -- ${i}`, 600_000), { owner: 'hostile', signal: controller.signal })
        .then(
          () => settled.push('hostile'),
          () => settled.push('hostile cancelled'),
        ),
    );
    const light = await pool.execute(request('SELECT name FROM singer WHERE singer_id = 1'), {
      owner: 'light',
    });
    settled.push('light');
    expect(light).toMatchObject({ status: 'ok', rows: [['Kyle']] });
    expect(settled).toEqual(['light']);
    controller.abort();
    await Promise.all(hostile);
  });

  test('queued queries are taken round-robin across owners, not first come first served', async () => {
    const pool = startPool({ size: 1, spares: 0 });
    await pool.whenReady();
    const order: string[] = [];
    const ask = (owner: string, label: string): Promise<SqlOutcome> =>
      pool.execute(request(`SELECT '${label}'`), { owner }).then((outcome) => {
        order.push(label);
        return outcome;
      });
    await Promise.all([ask('a', 'a1'), ask('a', 'a2'), ask('a', 'a3'), ask('a', 'a4'), ask('b', 'b1')]);
    expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a3'));
  });

  test('queries without an owner are each their own owner: a second one runs beside a runaway', async () => {
    const pool = startPool({ size: 2, spares: 0 });
    await pool.whenReady();
    const controller = new AbortController();
    const runaway = pool.execute(request(RUNAWAY, 600_000), { signal: controller.signal });
    const rejected = expect(runaway).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    expect(await pool.execute(request('SELECT 1'))).toMatchObject({ status: 'ok', rows: [[1]] });
    controller.abort();
    await rejected;
  });
});

describe('long queries yield the CPU', () => {
  const niceness = (pid: number) =>
    Number(execFileSync('ps', ['-o', 'ni=', '-p', String(pid)], { encoding: 'utf8' }).trim());

  test('a query past deprioritizeAfterMs runs at nice 19, and its child is replaced once it is done', async () => {
    const pool = startPool({ size: 1, spares: 0, deprioritizeAfterMs: 100 });
    await pool.whenReady();
    const [pid] = sandboxChildPids() as [number];
    expect(niceness(pid)).toBeLessThan(19);
    const controller = new AbortController();
    const runaway = pool.execute(request(RUNAWAY, 600_000), { signal: controller.signal });
    const rejected = expect(runaway).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    await vi.waitFor(() => expect(niceness(pid)).toBe(19), { timeout: 10_000, interval: 50 });
    controller.abort();
    await rejected;
    // A slow query that finishes: its (now low-priority) child is not kept for the next query.
    const slow =
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) SELECT count(*) FROM n';
    await pool.whenReady();
    const [slowPid] = sandboxChildPids() as [number];
    expect(await pool.execute(request(slow))).toMatchObject({ status: 'ok', rows: [[3000000]] });
    await vi.waitFor(() => expect(sandboxChildPids()).not.toContain(slowPid), { timeout: 10_000 });
    expect(await pool.execute(request('SELECT 1'))).toMatchObject({ status: 'ok' });
  });
});
