// A store outage is not a run failure: a tick whose commit meets STORE_UNAVAILABLE is held and
// committed once the store answers, while new runs are refused with STORE_UNAVAILABLE. Real engine
// and SQLite store, wrapped so that it answers as an unreachable PostgreSQL server does.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { StoreChange } from '../../engine/store/records.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { waitFor } from '../support/cli.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

/** Fails what the scheduler writes and reads while `down`, as the PostgreSQL store does when its server is gone. */
class OutageStore extends SqliteStore {
  down = false;
  failedCommits = 0;

  #check(): void {
    if (this.down) throw new R1flowError('STORE_UNAVAILABLE', 'the store cannot be reached: test outage');
  }

  override async commit(changes: readonly StoreChange[], options?: { owner?: string }) {
    if (this.down) this.failedCommits++;
    this.#check();
    return super.commit(changes, options);
  }

  override async getRun(runId: string) {
    this.#check();
    return super.getRun(runId);
  }

  override async getRunRecord(runId: string) {
    this.#check();
    return super.getRunRecord(runId);
  }

  override async renewLeases(owner: string, leaseUntil: number, runIds: readonly string[]) {
    this.#check();
    return super.renewLeases(owner, leaseUntil, runIds);
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return { lines, debug: log, info: log, warn: log, error: log };
}

const chain = () =>
  flowOf(
    {
      t: ['trigger.manual'],
      a: ['test.step', { sleepMs: 10 }],
      b: ['test.step', { sleepMs: 300 }],
      c: ['test.step', { sleepMs: 10 }],
    },
    ['t.payload->a.in', 'a.out->b.in', 'b.out->c.in'],
    'chain',
  );

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a store outage', () => {
  it('holds the tick that met it and commits it once the store answers: the run succeeds', async () => {
    const logger = recordingLogger();
    let store: OutageStore | undefined;
    h = await createHarness({
      logger,
      createStore: (path) => {
        store = new OutageStore(path);
        return store;
      },
    });
    const outage = store!;
    const runIds = await Promise.all([h.run(chain()), h.run(chain()), h.run(chain())]);
    // Down while every b still sleeps: their results arrive during the outage.
    await waitFor(
      async () =>
        (await outage.getRun(runIds[0]!))!.nodes.find((n) => n.nodeId === 'b')!.status === 'running',
      5000,
      'node b running',
    );
    outage.down = true;
    await waitFor(() => outage.failedCommits >= 2, 5000, 'commits retried during the outage');
    // New work is refused while the tick is held, not queued behind it.
    await expect(h.run(chain())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    outage.down = false;

    for (const runId of runIds) {
      const stored = (await h.finished(runId))!;
      expect(stored.run.status).toBe('succeeded');
      expect(stored.nodes.map((n) => n.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      const types = (await h.store.readEvents({ runId })).map((e) => e.type);
      expect(types.filter((t) => t === 'run.succeeded')).toHaveLength(1);
      expect(types).not.toContain('node.failed');
      // Each node ran once: the held tick was not replayed as new attempts.
      expect(types.filter((t) => t === 'node.running')).toHaveLength(4);
      expect(types.filter((t) => t === 'node.succeeded')).toHaveLength(4);
    }
    expect(logger.lines).toContain(
      'the store is unavailable; holding the tick until it answers (no run is failed for it)',
    );
    expect(logger.lines).toContain('the store answers again; the held tick is committed');
    expect(logger.lines).not.toContain('store commit failed for a run; failing it');
    // And new runs start again.
    expect((await h.finished(await h.run(chain())))!.run.status).toBe('succeeded');
  });

  it('refuses a new run whose first commit meets it, storing nothing, and starts runs after it', async () => {
    let store: OutageStore | undefined;
    h = await createHarness({
      createStore: (path) => {
        store = new OutageStore(path);
        return store;
      },
    });
    const outage = store!;
    const flow = chain();
    // Saved before the outage: the flow version is then read from the orchestrator's cache.
    await h.finished(await h.run(flow));
    outage.down = true;
    await expect(h.run(flow)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    outage.down = false;
    expect(await h.store.listRuns({})).toHaveLength(1);
    expect(h.orchestrator.activeRunCount).toBe(0);
    expect((await h.finished(await h.run(flow)))!.run.status).toBe('succeeded');
  });

  it('keeps a waiter waiting through an outage until the run ends', async () => {
    let store: OutageStore | undefined;
    h = await createHarness({
      createStore: (path) => {
        store = new OutageStore(path);
        return store;
      },
    });
    const outage = store!;
    const runId = await h.run(chain());
    outage.down = true;
    const waiting = h.orchestrator.waitForRun(runId, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    outage.down = false;
    const { run, timedOut } = await waiting;
    expect(timedOut).toBe(false);
    expect(run.status).toBe('succeeded');
  });
});
