// An orchestrator in the benchmark's own process, on a given store, with the queue transport at a
// given Redis prefix, running a linear no-op flow; its store commits and job submits are timed.
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import type { Store } from '../../engine/store/store.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { createQueueTransport } from '../../workers/queue-transport.ts';
import { linearNoopFlow, noopNode } from './noop-node.ts';

export interface QueueOrchestratorOptions {
  store: Store;
  redisUrl: string;
  prefix: string;
  /** Nodes of the flow each run runs. */
  nodes: number;
}

export async function startQueueOrchestrator({ store, redisUrl, prefix, nodes }: QueueOrchestratorOptions) {
  const registry = createNodeRegistry([noopNode]);
  const transport = createQueueTransport({ redisUrl, prefix });
  const timing = { commitMs: 0, commits: 0, submitMs: 0, submits: 0 };
  const commit = store.commit.bind(store);
  store.commit = async (changes, options) => {
    const t = performance.now();
    try {
      return await commit(changes, options);
    } finally {
      timing.commitMs += performance.now() - t;
      timing.commits++;
    }
  };
  const submit = transport.submit.bind(transport);
  transport.submit = async (jobs) => {
    const t = performance.now();
    try {
      await submit(jobs);
    } finally {
      timing.submitMs += performance.now() - t;
      timing.submits++;
    }
  };
  const orchestrator = new Orchestrator({ store, transport, registry });
  await orchestrator.start();
  // On a store another orchestrator shares, this saves a second version of the flow; each runs its own.
  const saved = await store.saveFlow(FlowDocumentSchema.parse(linearNoopFlow('bench', nodes)));
  const runOne = async () => {
    const run = await orchestrator.startRun({ flowId: saved.flowId, version: saved.version });
    const { run: done } = await orchestrator.waitForRun(run.id);
    if (done.status !== 'succeeded') throw new Error(`run ${run.id} ${done.status}`);
  };
  return {
    timing,
    resetTiming() {
      Object.assign(timing, { commitMs: 0, commits: 0, submitMs: 0, submits: 0 });
    },
    /** Runs `total` runs, `window` of them in flight at once. */
    async runMany(total: number, window: number) {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(window, total) }, async () => {
          while (next < total) {
            next++;
            await runOne();
          }
        }),
      );
    },
    async close() {
      await orchestrator.close();
      await transport.close();
      await store.close();
    },
  };
}
export type QueueOrchestrator = Awaited<ReturnType<typeof startQueueOrchestrator>>;
