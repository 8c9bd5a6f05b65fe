// A new run's lease is not renewed while its insert is still being committed: the store does not
// hold the run yet and would answer that it is lost, and the orchestrator would drop a run it had
// just stored (a PostgreSQL commit takes long enough for a renewal to fall in between).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { Store } from '../../engine/store/store.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

/** The store, with every commit taking `delayMs` longer (as over a network). */
function slowCommits(store: SqliteStore, delayMs: number): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') {
        return async (...args: Parameters<Store['commit']>) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return target.commit(...args);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('leases of runs being inserted', () => {
  it('a renewal during a new run’s insert does not drop the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-lease-insert-'));
    const sqlite = new SqliteStore(join(dir, 'r1.db'));
    const store = slowCommits(sqlite, 150);
    const registry = createNodeRegistry(TEST_NODES);
    const transport = new InlineTransport({ registry });
    // Renewals every 10 ms: several fall within each 150 ms commit.
    const orchestrator = new Orchestrator({ store, transport, registry, maintainEveryMs: 10 });
    try {
      await orchestrator.start();
      const saved = await store.saveFlow(FlowDocumentSchema.parse(flowOf({ s: ['test.step'] })));
      const run = await orchestrator.startRun({ flowId: saved.flowId });
      const { run: finished, timedOut } = await orchestrator.waitForRun(run.id, 5000);
      expect(timedOut).toBe(false);
      expect(finished.status).toBe('succeeded');
    } finally {
      await orchestrator.close();
      await transport.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
