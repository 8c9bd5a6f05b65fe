// A real engine in queue mode for tests: a SQLite store in a temp dir, an orchestrator with the
// queue transport, and queue workers in this process, all on a real redis-server. Each harness
// uses its own key prefix, so the tests of a file can share one Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyNodeDefinition } from '../../../engine/define-node.ts';
import type { FlowDocumentInput } from '../../../engine/flow-schema.ts';
import { FlowDocumentSchema } from '../../../engine/flow-schema.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { Orchestrator } from '../../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import { createNodeRegistry } from '../../../nodes/index.ts';
import type { QueueTransport } from '../../../workers/queue-transport.ts';
import { createQueueTransport } from '../../../workers/queue-transport.ts';
import type { QueueTransportOptions } from '../../../workers/queue-transport-options.ts';
import type { QueueWorkerOptions } from '../../../workers/queue-worker-options.ts';
import type { QueueWorker } from '../../../workers/start-worker.ts';
import { startQueueWorker } from '../../../workers/start-worker.ts';
import { TEST_NODES } from '../../support/test-nodes.ts';

export type WorkerOverrides = Partial<Omit<QueueWorkerOptions, 'registry' | 'resources'>> & {
  nodes?: AnyNodeDefinition[];
};

export interface QueueHarness {
  prefix: string;
  dir: string;
  store: SqliteStore;
  transport: QueueTransport;
  orchestrator: Orchestrator;
  workers: QueueWorker[];
  startWorker(overrides?: WorkerOverrides): Promise<QueueWorker>;
  run(flow: FlowDocumentInput, input?: unknown): Promise<string>;
  finished(runId: string): ReturnType<SqliteStore['getRun']>;
  close(): Promise<void>;
}

export async function createQueueHarness(
  redisUrl: string,
  options: {
    workers?: WorkerOverrides[];
    transport?: Partial<QueueTransportOptions>;
    /** Node types beside the test nodes, for the orchestrator and in-process workers. */
    nodes?: AnyNodeDefinition[];
  } = {},
): Promise<QueueHarness> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-queue-test-'));
  const store = new SqliteStore(join(dir, 'r1flow.db'));
  const registry = createNodeRegistry([...TEST_NODES, ...(options.nodes ?? [])]);
  const transport = createQueueTransport({ redisUrl, prefix, lostJobCheckMs: 100, ...options.transport });
  const orchestrator = new Orchestrator({ store, transport, registry, maintainEveryMs: 100 });
  await orchestrator.start();
  const resources = new ResourcePool();
  const workers: QueueWorker[] = [];
  const harness: QueueHarness = {
    prefix,
    dir,
    store,
    transport,
    orchestrator,
    workers,
    async startWorker({ nodes, ...overrides } = {}) {
      const worker = await startQueueWorker({
        redisUrl,
        prefix,
        lanes: ['cpu', 'sql', 'llm', 'io'],
        registry: nodes ? createNodeRegistry(nodes) : registry,
        resources,
        lockDurationMs: 1000,
        stalledIntervalMs: 500,
        shutdownGraceMs: 2000,
        ...overrides,
      });
      workers.push(worker);
      return worker;
    },
    async run(flow, input = {}) {
      const saved = await store.saveFlow(FlowDocumentSchema.parse(flow));
      const run = await orchestrator.startRun({ flowId: saved.flowId, version: saved.version, input });
      return run.id;
    },
    async finished(runId) {
      await orchestrator.waitForRun(runId, 30_000);
      return store.getRun(runId);
    },
    async close() {
      await orchestrator.close();
      await Promise.all(workers.map((worker) => worker.close()));
      await transport.close();
      await resources.disposeAll();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const overrides of options.workers ?? [{}]) await harness.startWorker(overrides);
  return harness;
}
