// SIGTERM of `r1flow start --redis … --lanes cpu` while runs are in flight, one of them stuck in a
// node that ignores its abort signal: the server promises to drain for 10 s and then exit. The
// measured time goes to the test output (no timing assertion beyond a generous bound).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeQueueName } from '../../workers/queue-keys.ts';
import { startCli, waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { RedisServer } from '../support/redis-server.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { startOrchestratorProcess } from './support/processes.ts';

let redis: RedisServer;
let dir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'r1flow-shutdown-'));
});
afterAll(async () => {
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];

describe('r1flow start in queue mode', () => {
  it('exits within its drain period on SIGTERM with runs in flight', async () => {
    const db = join(dir, 'r1flow.db');
    const log = join(dir, 'effects.log');
    const flowPath = join(dir, 'flow.json');
    const stuck = { label: 'stuck', sleepMs: 120_000, ignoreSignal: true, logFile: log };
    writeFileSync(
      flowPath,
      JSON.stringify(
        flowOf({ a: ['test.step', { label: 'a', logFile: log }], b: ['test.step', stuck] }, ['a.out->b.in']),
      ),
    );
    // Runs created by an orchestrator that dies before any worker exists: `start` resumes them.
    const creator = startOrchestratorProcess([
      ...['--db', db, '--redis', redis.url, '--prefix', 'r1flow'],
      ...['--flow', flowPath, '--runs', '3'],
    ]);
    await creator.waitForLine(/"runs"/);
    await creator.kill('SIGKILL');

    const server = startCli(['start', '--db', db, '--redis', redis.url, '--lanes', 'cpu', '--port', '0'], {
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
    });
    let output = '';
    server.child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const address = () => /running at (http:\/\/\S+)/.exec(output)?.[1];
    try {
      await waitFor(() => address() !== undefined, 60_000, 'the server to listen');
      await waitFor(
        () => lines(log).filter((line) => line.endsWith(' b 1')).length === 3,
        60_000,
        'b to start',
      );
      // /healthz reports how Redis keeps its data (this one has AOF: no warning).
      const health = (await (await fetch(`${address()}/healthz`)).json()) as Record<string, unknown>;
      expect(health.redisPersistence).toEqual({ mode: 'aof' });
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      const exit = await Promise.race([
        server.done,
        new Promise<undefined>((resolve) => setTimeout(resolve, 30_000)),
      ]);
      const seconds = (Date.now() - signalled) / 1000;
      console.log(`r1flow start --redis exited ${seconds.toFixed(1)} s after SIGTERM with 3 runs in flight`);
      expect(exit, `still running ${seconds} s after SIGTERM`).toBeDefined();
      expect(exit!.code).toBe(0);
      // The stuck jobs went back to their queue, for a worker or the next start.
      const queue = new Queue(nodeQueueName('cpu'), { connection: { url: redis.url }, prefix: 'r1flow' });
      try {
        expect(await queue.getWaitingCount()).toBe(3);
      } finally {
        await queue.close();
      }
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
