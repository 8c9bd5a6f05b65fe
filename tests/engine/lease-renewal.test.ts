// A lease renewal that runs while a new run's insert is being committed (a PostgreSQL commit takes
// several round trips, so under load it often does) must not take the run for lost: the run is
// not in the store yet, and dropping it left it "running" with nobody driving it.
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreChange } from '../../engine/store/records.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { createHarness, flowOf, type Harness } from '../support/engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Holds each commit that inserts a run until a lease renewal has run meanwhile. */
class SlowInsert extends SqliteStore {
  renewalsDuringInsert = 0;
  #renewed: (() => void) | undefined;

  override async commit(changes: readonly StoreChange[], options?: { owner?: string }) {
    if (changes.some((change) => change.kind === 'insertRun')) {
      await new Promise<void>((resolve) => {
        this.#renewed = resolve;
      });
    }
    return super.commit(changes, options);
  }

  override async renewLeases(owner: string, leaseUntil: number, runIds: readonly string[]) {
    const renewed = await super.renewLeases(owner, leaseUntil, runIds);
    if (this.#renewed) {
      this.renewalsDuringInsert++;
      this.#renewed();
      this.#renewed = undefined;
    }
    return renewed;
  }
}

describe('lease renewal', () => {
  it('keeps driving a run whose insert was still being committed when leases were renewed', async () => {
    let store: SlowInsert | undefined;
    const warnings: string[] = [];
    h = await createHarness({
      createStore: (path) => {
        store = new SlowInsert(path);
        return store;
      },
      logger: { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} },
    });
    const runId = await h.run(flowOf({ a: ['test.step'], b: ['test.step'] }, ['a.out->b.in']));
    const { run, timedOut } = await h.orchestrator.waitForRun(runId, 5_000);
    expect(store!.renewalsDuringInsert).toBe(1);
    expect(timedOut).toBe(false);
    expect(run.status).toBe('succeeded');
    expect(warnings).not.toContain('lost the lease on a run; another process drives it now');
  });
});
