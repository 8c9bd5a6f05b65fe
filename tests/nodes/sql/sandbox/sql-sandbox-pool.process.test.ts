import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test, vi } from 'vitest';
import { RUNAWAY, sandboxPoolFixture } from './pool-fixture.ts';
import { isAlive, sandboxChildPids } from './sandbox-children.ts';

// Rows of 200 kB strings until the child's 64 MiB heap gives out.
const HEAP_EATER =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x, hex(randomblob(100000)) FROM n';

const fixture = sandboxPoolFixture();
const { startPool } = fixture;

function request(sql: string, timeoutMs = 20_000, maxRows = 100) {
  return { database: fixture.warehouse.path, sql, timeoutMs, maxRows };
}

async function expectAllDead(pids: number[]): Promise<void> {
  await vi.waitFor(() => expect(pids.filter(isAlive)).toEqual([]), { timeout: 10_000, interval: 50 });
}

/** Exactly one of the children listed `before` goes away (a killed one may linger a moment). */
async function expectOneKilled(before: number[]): Promise<void> {
  await vi.waitFor(() => expect(before.filter((pid) => !sandboxChildPids().includes(pid))).toHaveLength(1), {
    timeout: 10_000,
    interval: 50,
  });
  await expectAllDead(before.filter((pid) => !sandboxChildPids().includes(pid)));
}

describe('runaway queries are stopped by killing their process', () => {
  test('a never-ending recursive CTE times out at 300 ms, its process is killed, the pool answers next', async () => {
    const pool = startPool({ size: 1, spares: 1 });
    await pool.whenReady();
    const before = sandboxChildPids();

    const outcome = await pool.execute(request(RUNAWAY, 300));

    expect(outcome).toMatchObject({ status: 'timeout', error: { code: 'SQL_TIMEOUT' }, rows: [] });
    expect(outcome.error?.message).toMatch(/300 ms/);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(250);
    expect(await pool.execute(request('SELECT count(*) FROM singer'))).toMatchObject({
      status: 'ok',
      rows: [[3]],
    });
    await expectOneKilled(before);
  });

  test('runaway after runaway never exhausts the pool: each killed child is replaced', async () => {
    const pool = startPool({ size: 1, spares: 1 });
    for (let i = 0; i < 4; i += 1) expect((await pool.execute(request(RUNAWAY, 200))).status).toBe('timeout');
    expect((await pool.execute(request('SELECT 1'))).status).toBe('ok');
    await pool.whenReady();
    expect(sandboxChildPids()).toHaveLength(2);
  });

  test('concurrent runaways and reads: each read answers, each runaway times out', async () => {
    const pool = startPool({ size: 2, spares: 1 });
    const outcomes = await Promise.all([
      pool.execute(request(RUNAWAY, 300)),
      pool.execute(request('SELECT name FROM singer WHERE singer_id = 1')),
      pool.execute(request(RUNAWAY, 300)),
      pool.execute(request('SELECT name FROM singer WHERE singer_id = 2')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['timeout', 'ok', 'timeout', 'ok']);
    expect(outcomes[1]?.rows).toEqual([['Kyle']]);
    expect(outcomes[3]?.rows).toEqual([['Ana']]);
  });
});

describe('a child that dies is reported and replaced', () => {
  test('a query that exhausts its child memory answers an error that says why, and the pool carries on', async () => {
    const pool = startPool({ size: 1, spares: 0, maxHeapMb: 64 });
    const outcome = await pool.execute(request(HEAP_EATER, 60_000, 10_000_000));
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'SQL_MEMORY_LIMIT' } });
    expect(outcome.error?.message).toMatch(/died.*(heap|memory)/i);
    expect(await pool.execute(request('SELECT count(*) FROM song'))).toMatchObject({
      status: 'ok',
      rows: [[3]],
    });
  });

  test('a child killed from outside while idle is replaced', async () => {
    const pool = startPool({ size: 1, spares: 0 });
    await pool.whenReady();
    const [pid] = sandboxChildPids();
    process.kill(pid as number, 'SIGKILL');
    await expectAllDead([pid as number]);
    expect((await pool.execute(request('SELECT 1'))).status).toBe('ok');
  });
});

describe('cancel and close stop work at once', () => {
  test('cancelling a running query kills its process and rejects with NODE_CANCELLED', async () => {
    const pool = startPool({ size: 1, spares: 1 });
    await pool.whenReady();
    const before = sandboxChildPids();
    const controller = new AbortController();
    const running = pool.execute(request(RUNAWAY, 600_000), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    expect((await pool.execute(request('SELECT 1'))).status).toBe('ok');
    await expectOneKilled(before);
  });

  test('close() kills every child, including one inside a runaway query, and rejects its caller', async () => {
    const pool = startPool({ size: 2, spares: 1 });
    await pool.whenReady();
    const pids = sandboxChildPids();
    expect(pids).toHaveLength(3);
    const running = pool.execute(request(RUNAWAY, 600_000));
    const rejected = expect(running).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pool.close();
    await rejected;
    await expectAllDead(pids);
    expect(sandboxChildPids()).toEqual([]);
  });

  test('a pool nobody closes does not keep its process from exiting once idle', async () => {
    const script = join(fixture.warehouse.dir, 'forgetful.mts');
    const poolModule = new URL('../../../../nodes/sql/sandbox/sql-sandbox-pool.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { SqlSandboxPool } from ${JSON.stringify(poolModule)};
       const pool = new SqlSandboxPool({ size: 1, spares: 1 });
       await pool.whenReady();
       const outcome = await pool.execute({ database: ${JSON.stringify(fixture.warehouse.path)}, sql: 'SELECT 42', timeoutMs: 10000, maxRows: 1 });
       console.log(JSON.stringify(outcome.rows));`,
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', import.meta.resolve('tsx/esm'), script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toBe('[[42]]');
  });
});
