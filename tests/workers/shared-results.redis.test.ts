// Several orchestrators on one Redis (a cluster on one store): each gets the results of the runs
// it drives, whoever reads the stream first, and a run taken over from a driver that went away
// gets the results that driver's jobs post, before or after the takeover.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { ResourcePool } from '../../engine/resources.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { JobResult } from '../../engine/transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { queueKeys } from '../../workers/queue-keys.ts';
import { createQueueTransport, type QueueTransport } from '../../workers/queue-transport.ts';
import { postResult } from '../../workers/results-stream.ts';
import { type QueueWorker, startQueueWorker } from '../../workers/start-worker.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();
const registry = createNodeRegistry(TEST_NODES);

let dir: string;
let store: SqliteStore;
let redis: Redis;
const closing: { close(): Promise<void> }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-shared-results-'));
  store = new SqliteStore(join(dir, 'r1flow.db'));
  redis = new Redis(env.redis().url);
});
afterEach(async () => {
  for (const item of closing.splice(0).reverse()) await item.close();
  redis.disconnect();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function transport(prefix: string, options: Partial<Parameters<typeof createQueueTransport>[0]> = {}) {
  const created = createQueueTransport({ redisUrl: env.redis().url, prefix, ...options });
  closing.push(created);
  return created;
}

async function worker(prefix: string): Promise<QueueWorker> {
  const started = await startQueueWorker({
    redisUrl: env.redis().url,
    prefix,
    lanes: ['cpu'],
    concurrency: 100,
    registry,
    resources: new ResourcePool(),
  });
  closing.push(started);
  return started;
}

function orchestrator(over: QueueTransport, leaseMs = 15_000): Orchestrator {
  const created = new Orchestrator({ store, registry, transport: over, leaseMs, maintainEveryMs: 100 });
  closing.push(created);
  return created;
}

async function saveFlow(sleepMs: number) {
  const flow = flowOf({ a: ['test.step'], b: ['test.step', { sleepMs }], c: ['test.step'] }, [
    'a.out->b.in',
    'b.out->c.in',
  ]);
  return store.saveFlow(FlowDocumentSchema.parse(flow));
}

const settledResult = (jobId: string, runId: string): JobResult => ({
  jobId,
  runId,
  nodeId: 'n',
  attempt: 1,
  outcome: { ok: true, outputs: { out: 1 } },
  startedAt: 1,
  finishedAt: 2,
});

describe('orchestrators sharing one Redis', () => {
  it('each gets the results of its own runs, and every run of both finishes', async () => {
    await worker('two');
    const first = orchestrator(transport('two'));
    const second = orchestrator(transport('two'));
    await first.start();
    await second.start();
    const saved = await saveFlow(20);
    const start = (o: Orchestrator) => o.startRun({ flowId: saved.flowId, version: saved.version });
    const started = await Promise.all(Array.from({ length: 30 }, () => [start(first), start(second)]).flat());
    const finished = await Promise.all(
      started.map((run, i) => (i % 2 === 0 ? first : second).waitForRun(run.id, 20_000)),
    );
    expect(finished.map((f) => f.run.status)).toEqual(started.map(() => 'succeeded'));
    for (const run of started) {
      const attempts = await store.listAttempts(run.id);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 1, 1]);
    }
    // Every result was acknowledged by its own driver and deleted.
    await waitFor(async () => (await redis.xlen(queueKeys('two').results)) === 0, 5000, 'an empty stream');
  });

  it('a run taken over from a driver that went away gets the results its jobs posted', async () => {
    await worker('takeover');
    const gone = transport('takeover');
    const first = orchestrator(gone, 1500);
    const second = orchestrator(transport('takeover'));
    await first.start();
    await second.start();
    const saved = await saveFlow(300);
    // The second one drives a run of its own, so its reader is already past what arrives below.
    const own = await second.startRun({ flowId: saved.flowId, version: saved.version });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await first.startRun({ flowId: saved.flowId, version: saved.version })).id);
    await waitFor(
      async () => {
        const runs = await Promise.all(ids.map((id) => store.getRun(id)));
        return runs.every((run) => run!.nodes.find((node) => node.nodeId === 'b')!.status === 'running');
      },
      10_000,
      'b running in every run',
    );
    // The first driver stops without finishing anything; its leases lapse after 1.5 s, while b's
    // results arrive within 0.3 s: they wait in the stream, read past by the second one.
    await first.close();
    await gone.close();
    const finished = await Promise.all(ids.map((id) => second.waitForRun(id, 20_000)));
    expect(finished.map((f) => f.run.status)).toEqual(ids.map(() => 'succeeded'));
    expect((await second.waitForRun(own.id, 5000)).run.status).toBe('succeeded');
    for (const id of ids) {
      const attempts = await store.listAttempts(id);
      expect(attempts.map((a) => [a.nodeId, a.attempt])).toEqual([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]);
    }
  });
});

describe('the results stream with several readers', () => {
  it('a result handed over but never acknowledged goes to whoever takes its run over', async () => {
    const key = queueKeys('unacked').results;
    const dying = transport('unacked');
    const seen: JobResult[] = [];
    dying.onSettled((result) => seen.push(result)); // stores nothing: dies before acknowledging
    await dying.reconcile(['run1']);
    await postResult(
      redis,
      key,
      settledResult('run1-n-1', 'run1'),
      JSON.stringify(settledResult('run1-n-1', 'run1')),
    );
    await waitFor(() => seen.length === 1, 5000, 'the first reader to get the result');
    await dying.close();
    expect(await redis.xlen(key)).toBe(1);

    const adopter = transport('unacked');
    const got: JobResult[] = [];
    adopter.onSettled((result) => {
      got.push(result);
      adopter.acknowledge([result.jobId]);
    });
    // A result of a run nobody here drives is left alone.
    await postResult(
      redis,
      key,
      settledResult('run2-n-1', 'run2'),
      JSON.stringify(settledResult('run2-n-1', 'run2')),
    );
    expect(await adopter.reconcile(['run1'])).toEqual(new Set(['run1-n-1']));
    await waitFor(() => got.length === 1, 5000, 'the adopter to get the result');
    expect(got[0]).toMatchObject({ jobId: 'run1-n-1', runId: 'run1' });
    await waitFor(async () => (await redis.xlen(key)) === 1, 5000, 'the acknowledged result deleted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got).toHaveLength(1);
  });

  it('results nobody takes are deleted once their run is over, and kept while it is active', async () => {
    const key = queueKeys('strays').results;
    const sweeper = transport('strays', {
      strayResultsAfterMs: 100,
      finishedRuns: async (runIds) => new Set(runIds.filter((runId) => runId === 'over')),
    });
    await sweeper.reconcile([]);
    for (const runId of ['over', 'active']) {
      const result = settledResult(`${runId}-n-1`, runId);
      await postResult(redis, key, result, JSON.stringify(result));
    }
    await waitFor(async () => (await redis.xlen(key)) === 1, 5000, 'the finished run’s result deleted');
    const [left] = (await redis.xrange(key, '-', '+')) as [string, string[]][];
    expect(left?.[1]).toContain('active');
  });
});
