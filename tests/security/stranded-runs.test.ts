// Runs must never be stranded `running`: a node output too big for the store, a commit that fails
// for one run, a deep run input, a run another process took over. Real engine, real SQLite store.

import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import { AnyValue, Json, optional } from '../../engine/ports.ts';
import { openStoreDatabase } from '../../engine/store/open-database.ts';
import type { StoreChange } from '../../engine/store/records.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

/** Emits `bytes` of text, or a value marked as poison for the failing store below. */
const bigNode = defineNode({
  type: 'test.big',
  version: 1,
  title: 'Big output',
  family: 'control',
  lane: 'cpu',
  params: z.object({ bytes: z.number().int().min(0).default(0), poison: z.boolean().default(false) }),
  inputs: { in: optional(AnyValue) },
  outputs: { out: Json },
  async run({ params }) {
    return { out: params.poison ? { poison: true } : 'x'.repeat(params.bytes) };
  },
});

/** Fails every commit whose changes carry a poison output, as a store does on "Invalid string length". */
class PoisonStore extends SqliteStore {
  override async commit(changes: readonly StoreChange[], options?: { owner?: string }) {
    const poisoned = changes.some(
      (c) =>
        c.kind === 'updateNode' &&
        (c.patch.output as { out?: { poison?: boolean } } | undefined)?.out?.poison,
    );
    if (poisoned) throw new RangeError('Invalid string length');
    return super.commit(changes, options);
  }
}

const retries = { retry: { attempts: 3, backoffMs: 10 } };
const goodFlow = () =>
  flowOf({ t: ['trigger.manual'], s: ['test.step', { sleepMs: 20 }] }, ['t.payload->s.in'], 'good');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function activeRuns(harness: Harness) {
  return harness.store.listRuns({ status: ['queued', 'running'] });
}

describe('stranded runs', () => {
  it('fails a node whose output is over the inline cap at once, naming node and size', async () => {
    h = await createHarness({ nodes: [bigNode], maxOutputBytes: 64 * 1024 });
    const big = flowOf({ t: ['trigger.manual'], b: ['test.big', { bytes: 200_000 }, retries] }, [], 'big');
    const [bigId, ...good] = await Promise.all([
      h.run(big),
      ...Array.from({ length: 8 }, () => h!.run(goodFlow())),
    ]);
    const stored = await h.finished(bigId!);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.run.error).toMatchObject({ code: 'NODE_OUTPUT_TOO_LARGE', nodeId: 'b' });
    expect(stored!.run.error!.message).toContain('64.0 KiB');
    // Not retried: a retry would only produce the same output again.
    expect(stored!.nodes.find((n) => n.nodeId === 'b')!.attempt).toBe(1);
    for (const id of good) expect((await h.finished(id))!.run.status).toBe('succeeded');
    expect(await activeRuns(h)).toEqual([]);
  });

  it('takes the inline cap from R1FLOW_MAX_OUTPUT_BYTES and refuses a bad value', async () => {
    process.env.R1FLOW_MAX_OUTPUT_BYTES = 'lots';
    try {
      await expect(createHarness()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      process.env.R1FLOW_MAX_OUTPUT_BYTES = '1000';
      h = await createHarness({ nodes: [bigNode] });
    } finally {
      delete process.env.R1FLOW_MAX_OUTPUT_BYTES;
    }
    const id = await h.run(
      flowOf({ t: ['trigger.manual'], b: ['test.big', { bytes: 2_000 }] }, [], 'env-cap'),
    );
    expect((await h.finished(id))!.run.error?.code).toBe('NODE_OUTPUT_TOO_LARGE');
  });

  it('defaults the inline cap to 1 MiB', async () => {
    h = await createHarness({ nodes: [bigNode] });
    const ok = await h.run(flowOf({ t: ['trigger.manual'], b: ['test.big', { bytes: 900_000 }] }, [], 'ok'));
    const tooBig = await h.run(
      flowOf({ t: ['trigger.manual'], b: ['test.big', { bytes: 1_100_000 }] }, [], 'too-big'),
    );
    expect((await h.finished(ok))!.run.status).toBe('succeeded');
    expect((await h.finished(tooBig))!.run.error?.code).toBe('NODE_OUTPUT_TOO_LARGE');
  });

  it('fails the run whose commit fails with STORE_COMMIT_FAILED and keeps the others of the tick', async () => {
    const errors: string[] = [];
    h = await createHarness({
      nodes: [bigNode],
      createStore: (path) => new PoisonStore(path),
      logger: { debug() {}, info() {}, warn() {}, error: (message) => errors.push(message) },
    });
    const poison = flowOf(
      { t: ['trigger.manual'], p: ['test.big', { poison: true }], after: ['test.step'] },
      ['t.payload->p.in', 'p.out->after.in'],
      'poison',
    );
    const ids = await Promise.all([h.run(poison), ...Array.from({ length: 12 }, () => h!.run(goodFlow()))]);
    const [poisonId, ...good] = ids as [string, ...string[]];
    const waited = await h.orchestrator.waitForRun(poisonId, 10_000);
    expect(waited.timedOut).toBe(false);
    const stored = await h.store.getRun(poisonId);
    expect(stored!.run.status).toBe('failed');
    expect(stored!.run.error).toMatchObject({ code: 'STORE_COMMIT_FAILED', nodeId: 'p' });
    expect(stored!.run.error!.message).toContain('"p"');
    expect(stored!.run.error!.message).toContain('Invalid string length');
    const byId = Object.fromEntries(stored!.nodes.map((n) => [n.nodeId, n.status]));
    expect(byId).toEqual({ t: 'succeeded', p: 'failed', after: 'cancelled' });
    for (const id of good) expect((await h.finished(id))!.run.status).toBe('succeeded');
    expect(await activeRuns(h)).toEqual([]);
    expect(errors).toContain('store commit failed for a run; failing it');
    // Cancel of the failed run answers that it is over, instead of doing nothing.
    await expect(h.orchestrator.cancelRun(poisonId)).rejects.toMatchObject({ code: 'RUN_NOT_ACTIVE' });
  });

  it('never returns a run id the store does not have', async () => {
    class FailingInsert extends SqliteStore {
      override async commit(changes: readonly StoreChange[], options?: { owner?: string }) {
        if (changes.some((c) => c.kind === 'insertRun' && (c.run.input as { poison?: boolean }).poison)) {
          throw new RangeError('Invalid string length');
        }
        return super.commit(changes, options);
      }
    }
    h = await createHarness({ createStore: (path) => new FailingInsert(path) });
    const results = await Promise.allSettled([
      h.run(goodFlow(), { poison: true }),
      ...Array.from({ length: 6 }, () => h!.run(goodFlow())),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'STORE_COMMIT_FAILED' } });
    for (const result of results.slice(1)) {
      expect(result.status).toBe('fulfilled');
      const id = (result as PromiseFulfilledResult<string>).value;
      expect((await h.finished(id))!.run.status).toBe('succeeded');
    }
    expect((await h.store.listRuns({})).length).toBe(6);
    expect(h.orchestrator.activeRunCount).toBe(0);
  });

  it('refuses a deeply nested run input before anything recurses over it', async () => {
    h = await createHarness();
    let deep: unknown = 1;
    for (let i = 0; i < 300_000; i++) deep = [deep];
    const results = await Promise.allSettled([
      h.run(goodFlow(), { payload: deep }),
      ...Array.from({ length: 6 }, () => h!.run(goodFlow())),
    ]);
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'JSON_TOO_DEEP', path: expect.stringMatching(/^input\.payload(\[0\])+$/) },
    });
    for (const result of results.slice(1)) {
      const id = (result as PromiseFulfilledResult<string>).value;
      expect((await h.finished(id))!.run.status).toBe('succeeded');
    }
    expect((await h.store.listRuns({})).length).toBe(6);
    expect(await activeRuns(h)).toEqual([]);
  });

  it('stops driving a run another process took over, and writes nothing more for it', async () => {
    const warnings: string[] = [];
    h = await createHarness({
      logger: { debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) },
    });
    const id = await h.run(
      flowOf({ t: ['trigger.manual'], s: ['test.step', { sleepMs: 600 }] }, ['t.payload->s.in']),
    );
    // Another process claims the run (as after an expired lease).
    const other = openStoreDatabase(h.store.path);
    other
      .prepare("UPDATE runs SET owner = 'other-host/1/x', lease_until = ? WHERE id = ?")
      .run(Date.now() + 60_000, id);
    other.close();
    const before = (await h.store.getRun(id))!;
    const eventsBefore = (await h.store.readEvents({ runId: id })).length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = (await h.store.getRun(id))!;
    const statuses = (run: typeof before) => run.nodes.map((n) => `${n.nodeId}:${n.status}`);
    expect(warnings).toContain('lost the lease on a run; another process drives it now');
    expect(h.orchestrator.activeRunCount).toBe(0);
    // Jobs finished here, but nothing was written over the new owner's run, lease included.
    expect(after.run.owner).toBe('other-host/1/x');
    expect(after.run.leaseUntil).toBe(before.run.leaseUntil);
    expect(statuses(after)).toEqual(statuses(before));
    expect(after.run.status).toBe('running');
    expect(await h.store.readEvents({ runId: id })).toHaveLength(eventsBefore);
  });

  it('renews only the leases of the runs named, and reports the ones it does not hold', async () => {
    h = await createHarness();
    const slow = flowOf(
      { t: ['trigger.manual'], s: ['test.step', { sleepMs: 400 }] },
      ['t.payload->s.in'],
      'slow',
    );
    const [kept, dropped] = await Promise.all([h.run(slow), h.run(slow)]);
    const owner = h.orchestrator.owner;
    await h.orchestrator.close(); // no renewals of its own from here on
    const droppedLease = (await h.store.getRunRecord(dropped!))!.leaseUntil;
    const renewed = await h.store.renewLeases(owner, 4_000_000_000_000, [kept!, 'r-never-stored']);
    expect(renewed.lost).toEqual(['r-never-stored']);
    expect((await h.store.getRunRecord(kept!))!.leaseUntil).toBe(4_000_000_000_000);
    expect((await h.store.getRunRecord(dropped!))!.leaseUntil).toBe(droppedLease);
  });

  it('fences commits: a write for a run of another owner is refused whole', async () => {
    h = await createHarness();
    const id = await h.run(goodFlow());
    await h.finished(id);
    const change: StoreChange = { kind: 'updateRun', runId: id, patch: { status: 'failed' } };
    await expect(h.store.commit([change], { owner: 'someone-else' })).rejects.toMatchObject({
      code: 'RUN_LEASE_LOST',
      data: { runIds: [id] },
    });
    expect((await h.store.getRunRecord(id))!.status).toBe('succeeded');
  });

  it('fails at once on an error marked not retryable, and retries the rest', async () => {
    const refused = defineNode({
      type: 'test.refused',
      version: 1,
      title: 'Refused',
      family: 'control',
      lane: 'cpu',
      params: z.object({ retryable: z.boolean().optional() }),
      inputs: {},
      outputs: { out: Json },
      async run({ params }) {
        throw new R1flowError('LLM_HTTP_ERROR', 'model server answered 400', {
          ...(params.retryable === undefined ? {} : { retryable: params.retryable }),
        });
      },
    });
    h = await createHarness({ nodes: [refused] });
    const once = await h.run(
      flowOf({ t: ['trigger.manual'], r: ['test.refused', { retryable: false }, retries] }, [], 'no-retry'),
    );
    const thrice = await h.run(
      flowOf({ t: ['trigger.manual'], r: ['test.refused', {}, retries] }, [], 'retry'),
    );
    expect((await h.finished(once))!.nodes.find((n) => n.nodeId === 'r')!.attempt).toBe(1);
    expect((await h.finished(thrice))!.nodes.find((n) => n.nodeId === 'r')!.attempt).toBe(3);
  });
});
