// Crash recovery with real processes: `r1flow worker` and orchestrator processes killed with
// SIGKILL, and redis-server restarted, mid-run. Every run must end, and side effects (one log line
// per node execution) may repeat only for nodes that were in flight when something died.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_RUN_STATUSES } from '../../engine/run-machine.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { flowOf } from '../support/engine-harness.ts';
import crashNode from './support/crash-node.ts';
import type { TestProcess } from './support/processes.ts';
import { startOrchestratorProcess } from './support/processes.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Executions per `runId nodeId`, from the test nodes' log file. */
function executions(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(log)) return counts;
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [runId, nodeId] = line.split(' ');
    const key = `${runId} ${nodeId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const started = (log: string, nodeId: string) =>
  [...executions(log).keys()].filter((key) => key.endsWith(` ${nodeId}`)).length;

function threeSteps(log: string, sleepMs: number) {
  return flowOf(
    {
      a: ['test.step', { label: 'a', logFile: log }],
      b: ['test.step', { label: 'b', sleepMs, logFile: log }],
      c: ['test.step', { label: 'c', logFile: log }],
    },
    ['a.out->b.in', 'b.out->c.in'],
  );
}

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('crash recovery in queue mode', () => {
  it('a worker killed with SIGKILL mid-job: the job runs again after the stall interval and every run completes', async () => {
    const h = await env.harness({ workers: [] });
    const log = join(h.dir, 'effects.log');
    const fast = ['--lock-duration-ms', '1000', '--stalled-interval-ms', '500'];
    const first = env.worker(h.prefix, fast);
    await first.waitForLine(/ready/);
    const ids = await Promise.all([1, 2, 3].map(() => h.run(threeSteps(log, 5000))));
    await waitUntil(() => started(log, 'b') === 3, 'b to start in every run');
    await first.kill('SIGKILL');
    await env.worker(h.prefix, fast).waitForLine(/ready/);
    for (const id of ids) expect((await h.finished(id))!.run.status).toBe('succeeded');
    const counts = executions(log);
    for (const id of ids) {
      expect([counts.get(`${id} a`), counts.get(`${id} b`), counts.get(`${id} c`)]).toEqual([1, 2, 1]);
    }
  });

  it('a poison job that kills every worker taking it fails the run with NODE_WORKER_LOST after one re-run', async () => {
    const h = await env.harness({ workers: [], nodes: [crashNode] });
    const id = await h.run(flowOf({ poison: ['test.crash'] }));
    let finished = false;
    let starts = 0;
    let current: TestProcess | undefined;
    // A supervisor restarting the worker whenever it dies, as systemd would.
    const supervisor = (async () => {
      while (!finished) {
        starts++;
        current = env.worker(h.prefix, ['--lock-duration-ms', '1000', '--stalled-interval-ms', '500']);
        await current.exited;
      }
    })();
    const stored = await h.finished(id);
    finished = true;
    await current?.kill('SIGKILL');
    await supervisor;
    expect(stored!.run.status).toBe('failed');
    expect(stored!.run.error).toMatchObject({ code: 'NODE_WORKER_LOST', nodeId: 'poison' });
    expect(stored!.run.error!.message).toContain('poison was lost with its worker twice');
    expect(starts).toBeGreaterThanOrEqual(3);
  });

  it('the orchestrator killed with SIGKILL: on restart every run finishes, finished nodes are not re-run', async () => {
    dir = mkdtempSync(join(tmpdir(), 'r1flow-crash-'));
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const db = join(dir, 'r1flow.db');
    const log = join(dir, 'effects.log');
    const flowPath = join(dir, 'flow.json');
    writeFileSync(flowPath, JSON.stringify(threeSteps(log, 1500)));
    await env.worker(prefix).waitForLine(/ready/);
    const orchestrator = ['--db', db, '--redis', env.redis().url, '--prefix', prefix];
    const first = env.track(startOrchestratorProcess([...orchestrator, '--flow', flowPath, '--runs', '5']));
    const ids = (JSON.parse(await first.waitForLine(/"runs"/)) as { runs: string[] }).runs;
    await waitUntil(() => started(log, 'b') === 5, 'b to start in every run');
    await first.kill('SIGKILL');

    const store = new SqliteStore(db);
    try {
      const finishedBefore = new Set<string>();
      for (const id of ids) {
        for (const node of (await store.getRun(id))!.nodes) {
          if (node.status === 'succeeded') finishedBefore.add(`${id} ${node.nodeId}`);
        }
      }
      env.track(startOrchestratorProcess(orchestrator));
      await waitUntil(async () => {
        const runs = await Promise.all(ids.map((id) => store.getRun(id)));
        return runs.every((stored) => TERMINAL_RUN_STATUSES.has(stored!.run.status));
      }, 'every run to finish');
      for (const id of ids) expect((await store.getRun(id))!.run.status).toBe('succeeded');
      const counts = executions(log);
      for (const id of ids) {
        for (const node of ['a', 'b', 'c']) {
          const key = `${id} ${node}`;
          if (finishedBefore.has(key)) expect(counts.get(key)).toBe(1);
          else expect(counts.get(key)).toBeGreaterThanOrEqual(1);
          expect(counts.get(key)).toBeLessThanOrEqual(2);
        }
      }
    } finally {
      await store.close();
    }
  });

  it('redis-server restarted mid-run (AOF on): no run is lost', async () => {
    const h = await env.harness({ workers: [] });
    const log = join(h.dir, 'effects.log');
    await env
      .worker(h.prefix, ['--lock-duration-ms', '5000', '--stalled-interval-ms', '1000'])
      .waitForLine(/ready/);
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => h.run(threeSteps(log, 1500))));
    await waitUntil(() => started(log, 'b') === 5, 'b to start in every run');
    await env.redis().restart({ downMs: 500 });
    for (const id of ids) expect((await h.finished(id))!.run.status).toBe('succeeded');
    const counts = executions(log);
    for (const id of ids) {
      expect(counts.get(`${id} a`)).toBe(1);
      for (const node of ['b', 'c']) {
        expect(counts.get(`${id} ${node}`)).toBeGreaterThanOrEqual(1);
        expect(counts.get(`${id} ${node}`)).toBeLessThanOrEqual(2);
      }
    }
  });
});
