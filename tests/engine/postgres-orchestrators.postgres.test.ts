// The scheduler on the PostgreSQL store: two orchestrators (as two servers) on one database run
// their flows, and when one stops, the other takes over its runs and finishes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { openPostgresStore } from '../../engine/store/postgres/open-postgres-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.close();
});

const registry = createNodeRegistry(TEST_NODES);

describe('orchestrators sharing a PostgreSQL store', () => {
  it('run flows side by side, and one finishes the runs of another that stopped', async () => {
    const url = await server.createDatabase('orchestrators');
    const stores: Store[] = [await openPostgresStore(url), await openPostgresStore(url)];
    const transports = stores.map(() => new InlineTransport({ registry }));
    const [first, second] = stores.map(
      (store, i) =>
        new Orchestrator({
          store,
          transport: transports[i]!,
          registry,
          owner: `server-${i}`,
          leaseMs: 400,
          maintainEveryMs: 100,
        }),
    ) as [Orchestrator, Orchestrator];
    try {
      await first.start();
      await second.start();
      const flow = flowOf({ a: ['test.step'], b: ['test.step', { sleepMs: 300 }], c: ['test.step'] }, [
        'a.out->b.in',
        'b.out->c.in',
      ]);
      const saved = await stores[0]!.saveFlow(FlowDocumentSchema.parse(flow));
      const start = (orchestrator: Orchestrator) =>
        orchestrator.startRun({ flowId: saved.flowId, version: saved.version, input: {} });
      const side = await Promise.all([start(first), start(second), start(first), start(second)]);
      const done = await Promise.all(
        side.map((run, i) => (i % 2 === 0 ? first : second).waitForRun(run.id, 20_000)),
      );
      expect(done.map((d) => d.run.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

      // Runs whose middle node outlasts the stopped server's lease: its late results are fenced off.
      const long = await stores[0]!.saveFlow(
        FlowDocumentSchema.parse({
          ...flow,
          nodes: flow.nodes.map((n) => (n.id === 'b' ? { ...n, params: { sleepMs: 1500 } } : n)),
        }),
      );
      const orphans = await Promise.all(
        Array.from({ length: 5 }, () =>
          first.startRun({ flowId: long.flowId, version: long.version, input: {} }),
        ),
      );
      await first.close(); // stops renewing: its leases expire and the second server claims the runs
      const finished = await Promise.all(orphans.map((run) => second.waitForRun(run.id, 20_000)));
      expect(finished.map((f) => f.run.status)).toEqual(orphans.map(() => 'succeeded'));
      for (const run of orphans) {
        const stored = (await stores[1]!.getRun(run.id))!;
        expect(stored.run.owner).toBe('server-1');
        expect(stored.nodes.map((n) => n.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
        const types = (await stores[1]!.readEvents({ runId: run.id })).map((e) => e.type);
        expect(types.filter((t) => t === 'run.succeeded')).toHaveLength(1);
      }
    } finally {
      await first.close();
      await second.close();
      for (const transport of transports) await transport.close();
      for (const store of stores) await store.close();
    }
  });
});
