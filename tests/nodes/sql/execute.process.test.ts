import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ResourcePool } from '../../../engine/resources.ts';
import { sqlSandboxPoolResource } from '../../../nodes/sql/sandbox/sql-sandbox-resource.ts';
import type { Candidate } from '../../../nodes/types.ts';
import { candidate, runExecuteNode } from './execute-node-harness.ts';
import { RUNAWAY } from './sandbox/pool-fixture.ts';
import { isAlive, sandboxChildPids } from './sandbox/sandbox-children.ts';
import { createTempWarehouse, type TempWarehouse } from './sandbox/temp-warehouse.ts';

let warehouse: TempWarehouse;
let resources: ResourcePool;

beforeEach(() => {
  warehouse = createTempWarehouse();
  resources = new ResourcePool();
});

afterEach(async () => {
  await resources.disposeAll();
  warehouse.remove();
});

function run(candidates: Candidate[], params: Record<string, unknown>, signal?: AbortSignal) {
  return runExecuteNode({
    resources,
    database: warehouse.path,
    candidates,
    params,
    ...(signal ? { signal } : {}),
  });
}

describe('sql.execute@1 cost', () => {
  test('charges the time and rows of each distinct query that ran, once however many candidates share it', async () => {
    const all = 'SELECT * FROM singer';
    const { results, cost } = await run(
      [candidate(0, all), candidate(1, all), candidate(2, 'SELECT nope FROM singer'), candidate(3, null)],
      {},
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['ok', 'ok', 'error', 'empty']);
    const ran = [results.candidates[0]!, results.candidates[2]!];
    expect(cost.rows).toBe(results.candidates[0]!.rowCount);
    expect(cost.rows).toBeGreaterThan(0);
    expect(cost.sqlMs).toBe(ran.reduce((sum, c) => sum + Math.round(c.durationMs), 0));
    expect(cost).toMatchObject({ tokensIn: 0, tokensOut: 0, modelMs: 0 });
  });
});

describe('sql.execute@1 with runaway candidates', () => {
  test('a runaway candidate times out while the others answer', async () => {
    const { results } = await run(
      [candidate(0, RUNAWAY), candidate(1, 'SELECT count(*) FROM singer'), candidate(2, RUNAWAY)],
      { timeoutMs: 300 },
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['timeout', 'ok', 'timeout']);
    expect(results.candidates[0]?.error?.code).toBe('SQL_TIMEOUT');
    expect(results.candidates[1]?.rows).toEqual([[3]]);
  });

  test('cancelling the node stops waiting and kills the child running its query', async () => {
    await (await resources.get(sqlSandboxPoolResource)).whenReady();
    const before = sandboxChildPids();
    const controller = new AbortController();
    const running = run([candidate(0, RUNAWAY)], { timeoutMs: 600_000 }, controller.signal);
    const rejected = expect(running).rejects.toMatchObject({ code: 'NODE_CANCELLED' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await rejected;
    await vi.waitFor(
      () => expect(before.filter((pid) => !sandboxChildPids().includes(pid))).toHaveLength(1),
      {
        timeout: 10_000,
      },
    );
    const killed = before.filter((pid) => !sandboxChildPids().includes(pid));
    await vi.waitFor(() => expect(killed.filter(isAlive)).toEqual([]), { timeout: 10_000 });
  });
});

describe('sql.execute@1 skips the candidates that cannot change the vote', () => {
  const KYLE = 'SELECT name FROM singer WHERE singer_id = 1';
  const ANA = 'SELECT name FROM singer WHERE singer_id = 2';

  test('once a majority agrees, a runaway left is cancelled and answers skipped, not a timeout', async () => {
    const { results, progress } = await run(
      [candidate(0, KYLE), candidate(1, KYLE), candidate(2, KYLE), candidate(3, RUNAWAY)],
      { timeoutMs: 600_000, stopWhenDecided: true },
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'skipped']);
    expect(results.candidates[3]?.error).toMatchObject({ code: 'SQL_SKIPPED' });
    expect(results.candidates[3]?.error?.message).toMatch(/3 of 4 candidates already agree/);
    expect(progress.at(-1)?.fraction).toBe(1);
  });

  test('a runaway that could still tie the vote runs to its timeout', async () => {
    const { results } = await run(
      [candidate(0, KYLE), candidate(1, KYLE), candidate(2, ANA), candidate(3, RUNAWAY)],
      { timeoutMs: 300, stopWhenDecided: true },
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'timeout']);
  });

  test("a candidate before the leader's first member runs: it would become the answer's SQL", async () => {
    const { results } = await run(
      [candidate(0, RUNAWAY), candidate(1, KYLE), candidate(2, KYLE), candidate(3, KYLE)],
      { timeoutMs: 300, stopWhenDecided: true },
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['timeout', 'ok', 'ok', 'ok']);
  });

  test('by default (stopWhenDecided off) every candidate runs', async () => {
    const { results } = await run(
      [candidate(0, KYLE), candidate(1, KYLE), candidate(2, KYLE), candidate(3, RUNAWAY)],
      { timeoutMs: 300 },
    );
    expect(results.candidates.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'timeout']);
  });
});
