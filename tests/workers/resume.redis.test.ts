import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { ResourcePool } from '../../engine/resources.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { queueStats } from '../../workers/queue-stats.ts';
import { createQueueTransport } from '../../workers/queue-transport.ts';
import { startQueueWorker } from '../../workers/start-worker.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

describe('resuming runs in queue mode', () => {
  it('an orchestrator started while many results wait in Redis resumes and finishes every run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-resume-'));
    const store = new SqliteStore(join(dir, 'r1flow.db'));
    const registry = createNodeRegistry(TEST_NODES);
    const redisUrl = env.redis().url;
    const worker = await startQueueWorker({
      redisUrl,
      prefix: 'resume',
      lanes: ['cpu'],
      concurrency: 100,
      registry,
      resources: new ResourcePool(),
    });
    const transports = [1, 2].map(() => createQueueTransport({ redisUrl, prefix: 'resume' }));
    try {
      const first = new Orchestrator({ store, registry, leaseMs: 300, transport: transports[0]! });
      await first.start();
      const flow = flowOf({ a: ['test.step'], b: ['test.step', { sleepMs: 500 }], c: ['test.step'] }, [
        'a.out->b.in',
        'b.out->c.in',
      ]);
      const saved = await store.saveFlow(FlowDocumentSchema.parse(flow));
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        ids.push((await first.startRun({ flowId: saved.flowId, version: saved.version })).id);
      }
      const bRunning = async () => {
        const runs = await Promise.all(ids.map((id) => store.getRun(id)));
        return runs.every((run) => run!.nodes.find((node) => node.nodeId === 'b')!.status === 'running');
      };
      while (!(await bRunning())) await new Promise((resolve) => setTimeout(resolve, 20));
      // The first orchestrator goes away; b finishes meanwhile and its results wait in Redis.
      await first.close();
      await transports[0]!.close();
      await waitFor(
        async () => (await queueStats({ redisUrl, prefix: 'resume' })).resultsPending >= 40,
        20_000,
        "b's 40 results in Redis",
      );
      const second = new Orchestrator({ store, registry, transport: transports[1]! });
      const { resumed } = await second.start();
      expect(resumed).toHaveLength(40);
      const finished = await Promise.all(ids.map((id) => second.waitForRun(id, 20_000)));
      expect(finished.map((f) => f.run.status)).toEqual(ids.map(() => 'succeeded'));
      await second.close();
    } finally {
      await Promise.all(transports.map((transport) => transport.close()));
      await worker.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
