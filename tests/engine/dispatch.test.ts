// Dispatch does not wait for the transport: a transport that hangs (Redis unreachable) must not
// block ticks, so a cancel still ends the run; a transport that refuses jobs fails their attempts
// through the inbox, and the node's retry policy decides what follows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../engine/errors.ts';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { JobResult, NodeJob, Transport } from '../../engine/transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

/** A transport standing in for an unreachable Redis: submit hangs, or rejects. */
class BrokenTransport implements Transport {
  readonly name = 'broken';
  submitted: NodeJob[] = [];
  constructor(readonly mode: 'hang' | 'refuse') {}
  submit(jobs: readonly NodeJob[]): Promise<void> {
    this.submitted.push(...jobs);
    if (this.mode === 'hang') return new Promise(() => {});
    return Promise.reject(
      new R1flowError('REDIS_UNREACHABLE', 'redis at 127.0.0.1:1 refused the connection'),
    );
  }
  onSettled(_listener: (result: JobResult) => void): void {}
  onProgress(): void {}
  async cancel(): Promise<void> {}
  async reconcile(): Promise<Set<string>> {
    return new Set();
  }
  acknowledge(): void {}
  release(): void {}
  async close(): Promise<void> {}
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setup(mode: 'hang' | 'refuse') {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-dispatch-'));
  const store = new SqliteStore(join(dir, 'r1.db'));
  const registry = createNodeRegistry(TEST_NODES);
  const transport = new BrokenTransport(mode);
  const orchestrator = new Orchestrator({ store, transport, registry, maintainEveryMs: 50 });
  await orchestrator.start();
  const flow = flowOf({ s: ['test.step', {}, { retry: { attempts: 2, backoffMs: 10 } }] });
  const saved = await store.saveFlow(FlowDocumentSchema.parse(flow));
  cleanup = async () => {
    await orchestrator.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, transport, orchestrator, flowId: saved.flowId };
}

describe('dispatch', () => {
  it('cancels a run while the transport hangs on its jobs', async () => {
    const { orchestrator, transport, flowId } = await setup('hang');
    const run = await orchestrator.startRun({ flowId });
    await orchestrator.cancelRun(run.id);
    const { run: finished, timedOut } = await orchestrator.waitForRun(run.id, 5_000);
    expect(timedOut).toBe(false);
    expect(finished.status).toBe('cancelled');
    expect(transport.submitted.map((job) => job.nodeId)).toEqual(['s']);
  });

  it('turns a refused submit into failed attempts that follow the retry policy', async () => {
    const { orchestrator, store, transport, flowId } = await setup('refuse');
    const run = await orchestrator.startRun({ flowId });
    const { run: finished } = await orchestrator.waitForRun(run.id, 5_000);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatchObject({ code: 'REDIS_UNREACHABLE', nodeId: 's' });
    expect(transport.submitted.map((job) => job.attempt)).toEqual([1, 2]);
    expect((await store.listAttempts(run.id)).map((a) => a.status)).toEqual(['failed', 'failed']);
  });
});
