// Run retention's part of the store contract (called from store-contract.ts with the store under
// test): `pruneRuns` deletes finished runs past their cut-off with every row keyed by them, in
// batches of `limit`, per flow or for all but some flows, and keeps active runs, rated runs and
// live threads.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../engine/store/records.ts';
import type { RunPrunePolicy, Store } from '../../engine/store/store.ts';
import { event, insertRun, runRecord } from './store-contract.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 31);
/** Succeeded and cancelled runs go after 14 days, failed ones after 30. */
const policy = (overrides: Partial<RunPrunePolicy> = {}): RunPrunePolicy => ({
  finishedBefore: NOW - 14 * DAY,
  failedBefore: NOW - 30 * DAY,
  limit: 100,
  ...overrides,
});

/** A run finished `daysAgo` days before NOW, with its two node runs, an attempt and two events. */
async function finishedRun(
  store: Store,
  status: RunRecord['status'],
  daysAgo: number | null,
  overrides: Partial<RunRecord> = {},
): Promise<RunRecord> {
  const run = runRecord({ status, finishedAt: daysAgo === null ? null : NOW - daysAgo * DAY, ...overrides });
  await store.commit([
    insertRun(run),
    {
      kind: 'insertAttempt',
      attempt: {
        runId: run.id,
        nodeId: 'a',
        attempt: 1,
        status: 'succeeded',
        error: null,
        startedAt: run.createdAt,
        finishedAt: run.createdAt + 10,
        cost: null,
      },
    },
    event(run.id, 'run.queued'),
    event(run.id, 'node.succeeded', 'a'),
  ]);
  return run;
}

async function present(store: Store, runs: readonly RunRecord[]): Promise<string[]> {
  const kept: string[] = [];
  for (const run of runs) if (await store.getRunRecord(run.id)) kept.push(run.id);
  return kept;
}

export function describeRunRetentionContract(current: () => Store): void {
  describe('run retention', () => {
    it('deletes finished runs past their cut-off with their node runs, attempts and events; keeps the rest', async () => {
      const store = current();
      const succeededOld = await finishedRun(store, 'succeeded', 15);
      const cancelledOld = await finishedRun(store, 'cancelled', 20);
      const failedOld = await finishedRun(store, 'failed', 31);
      const failedRecent = await finishedRun(store, 'failed', 20);
      const succeededRecent = await finishedRun(store, 'succeeded', 13);
      const atCutOff = await finishedRun(store, 'succeeded', 14);
      const queuedOld = await finishedRun(store, 'queued', null, { createdAt: NOW - 60 * DAY });
      // An active run is kept even with a finish time (as no scheduler writes it, but a store must not trust that).
      const runningOld = await finishedRun(store, 'running', 40, { createdAt: NOW - 60 * DAY });

      expect(await store.pruneRuns(policy())).toBe(3);

      const gone = [succeededOld, cancelledOld, failedOld];
      const kept = [failedRecent, succeededRecent, atCutOff, queuedOld, runningOld];
      expect(await present(store, [...gone, ...kept])).toEqual(kept.map((run) => run.id));
      for (const run of gone) {
        expect(await store.getRun(run.id)).toBeNull();
        expect(await store.listAttempts(run.id)).toEqual([]);
        expect(await store.readEvents({ runId: run.id })).toEqual([]);
        expect(await store.getNodeKey(run.id, 'a')).toBeNull();
      }
      for (const run of kept) {
        expect((await store.getRun(run.id))!.nodes).toHaveLength(2);
        expect(await store.listAttempts(run.id)).toHaveLength(1);
        expect(await store.readEvents({ runId: run.id })).toHaveLength(2);
      }
      expect(await store.pruneRuns(policy())).toBe(0);
    });

    it('deletes at most `limit` runs per call, oldest first', async () => {
      const store = current();
      const runs: RunRecord[] = [];
      for (const daysAgo of [16, 19, 15, 18, 17]) runs.push(await finishedRun(store, 'succeeded', daysAgo));
      const byAge = [...runs].sort((x, y) => x.finishedAt! - y.finishedAt!);

      expect(await store.pruneRuns(policy({ limit: 2 }))).toBe(2);
      expect(await present(store, byAge)).toEqual(byAge.slice(2).map((run) => run.id));
      expect(await store.pruneRuns(policy({ limit: 2 }))).toBe(2);
      expect(await store.pruneRuns(policy({ limit: 2 }))).toBe(1);
      expect(await store.pruneRuns(policy({ limit: 2 }))).toBe(0);
      expect(await store.pruneRuns(policy({ limit: 0 }))).toBe(0);
    });

    it('prunes only the given flow, or every flow but the excluded ones', async () => {
      const store = current();
      const [a, b, c] = [
        await finishedRun(store, 'succeeded', 20, { flowId: 'flow-a' }),
        await finishedRun(store, 'failed', 40, { flowId: 'flow-b' }),
        await finishedRun(store, 'cancelled', 20, { flowId: 'flow-c' }),
      ];
      expect(await store.pruneRuns(policy({ flowId: 'flow-b' }))).toBe(1);
      expect(await present(store, [a!, b!, c!])).toEqual([a!.id, c!.id]);
      expect(await store.pruneRuns(policy({ excludeFlows: ['flow-a'] }))).toBe(1);
      expect(await present(store, [a!, c!])).toEqual([a!.id]);
      // A flow of its own overrides excludeFlows.
      expect(await store.pruneRuns(policy({ flowId: 'flow-a', excludeFlows: ['flow-a'] }))).toBe(1);
    });

    it('keeps rated runs and whole threads while a turn must stay; a pruned run frees its idempotency key', async () => {
      const store = current();
      const rated = await finishedRun(store, 'succeeded', 40);
      await store.feedback.insert({
        runId: rated.id,
        rating: 'up',
        question: 'How many?',
        chosenSql: 'SELECT 1',
        correctedSql: null,
        comment: null,
        warehouse: null,
        dialect: null,
      });
      const liveRoot = await finishedRun(store, 'succeeded', 40);
      await store.openThread(liveRoot.id);
      const liveOld = await finishedRun(store, 'failed', 35, { threadId: liveRoot.id });
      const liveLatest = await finishedRun(store, 'succeeded', 2, { threadId: liveRoot.id });
      const doneRoot = await finishedRun(store, 'succeeded', 40);
      await store.openThread(doneRoot.id);
      const doneTurn = await finishedRun(store, 'succeeded', 39, { threadId: doneRoot.id });
      const keyed = await finishedRun(store, 'succeeded', 30, { idempotencyKey: 'order-7' });
      await store.pins.put({
        flowId: 'test-flow',
        nodeId: 'a',
        nodeKey: 'test.step@1',
        runId: keyed.id,
        output: { out: 1 },
        pinnedAt: NOW,
      });

      expect(await store.pruneRuns(policy())).toBe(3);
      expect(await present(store, [rated, liveRoot, liveOld, liveLatest, doneRoot, doneTurn, keyed])).toEqual(
        [rated.id, liveRoot.id, liveOld.id, liveLatest.id],
      );
      expect(await store.feedback.list({ runId: rated.id })).toHaveLength(1);
      // The pin holds its own copy of the output.
      expect((await store.pins.get('test-flow', 'a'))!.output).toEqual({ out: 1 });
      expect(await store.findRunByIdempotencyKey('test-flow', 'order-7')).toBeNull();
      await store.commit([insertRun(runRecord({ idempotencyKey: 'order-7' }))]);
    });
  });
}
