// Retention of the run history on the server: the days from flags, settings and defaults; one
// plan per flow with a retention of its own; a running server pruning old runs at start while
// honouring a flow's override; the pass's log line; a bad flow retention refused on save.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowDocumentInput } from '../../../engine/flow-schema.ts';
import { FlowDocumentSchema } from '../../../engine/flow-schema.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import type { RunRecord } from '../../../engine/store/records.ts';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import {
  DEFAULT_RUN_RETENTION,
  FAILED_RUN_RETENTION_ENV,
  pruneRunHistory,
  RUN_RETENTION_ENV,
  runPrunePlans,
  runRetentionFrom,
  startRunRetention,
} from '../../../server/retention/run-retention.ts';
import { insertRun, runRecord } from '../../engine/store-contract.ts';
import { flowOf } from '../../support/engine-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

const DAY = 86_400_000;

const flowDoc = (id: string, retention?: FlowDocumentInput['retention']) =>
  FlowDocumentSchema.parse({ ...flowOf({ a: ['test.step'] }, [], id), ...(retention ? { retention } : {}) });

/** A run of `flowId` that ended `daysAgo` days ago. */
async function oldRun(store: SqliteStore, flowId: string, status: RunRecord['status'], daysAgo: number) {
  const finishedAt = Date.now() - daysAgo * DAY;
  const run = runRecord({ flowId, status, createdAt: finishedAt - 1000, finishedAt });
  await store.commit([insertRun(run, ['a'])]);
  return run.id;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-run-retention-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('run retention settings', () => {
  it('takes flags over settings over the defaults, and names the flag or setting that is not whole days', () => {
    const none = settingsFrom({}).setting;
    expect(runRetentionFrom(none)).toEqual(DEFAULT_RUN_RETENTION);
    expect(DEFAULT_RUN_RETENTION).toEqual({ days: 14, failedDays: 30 });
    const env = settingsFrom({ [RUN_RETENTION_ENV]: '7', [FAILED_RUN_RETENTION_ENV]: '0' }).setting;
    expect(runRetentionFrom(env)).toEqual({ days: 7, failedDays: 0 });
    expect(runRetentionFrom(env, { days: '3' })).toEqual({ days: 3, failedDays: 0 });
    expect(() => runRetentionFrom(settingsFrom({ [RUN_RETENTION_ENV]: '2w' }).setting)).toThrow(
      `${RUN_RETENTION_ENV} must be a whole number of days (0 keeps succeeded and cancelled runs forever), not "2w"`,
    );
    expect(() => runRetentionFrom(env, { failedDays: '-1' })).toThrow('--failed-run-retention-days must be');
  });

  it('plans each flow with a retention of its own apart, and the rest with the defaults', async () => {
    const store = new SqliteStore(join(dir, 'r1.db'));
    try {
      await store.saveFlow(flowDoc('own', { failedDays: 90 }));
      await store.saveFlow(flowDoc('plain'));
      expect(await runPrunePlans(store, DEFAULT_RUN_RETENTION)).toEqual([
        { flowId: 'own', retention: { days: 14, failedDays: 90 } },
        { excludeFlows: ['own'], retention: { days: 14, failedDays: 30 } },
      ]);
      expect(await runPrunePlans(store, DEFAULT_RUN_RETENTION, { forced: { failedDays: 5 } })).toEqual([
        { flowId: 'own', retention: { days: 14, failedDays: 5 } },
        { excludeFlows: ['own'], retention: { days: 14, failedDays: 5 } },
      ]);
      expect(await runPrunePlans(store, { days: 1, failedDays: 2 }, { flowId: 'own' })).toEqual([
        { flowId: 'own', retention: { days: 1, failedDays: 90 } },
      ]);
    } finally {
      await store.close();
    }
  });

  it('prunes in batches until nothing is left and logs how many went', async () => {
    const store = new SqliteStore(join(dir, 'r1.db'));
    try {
      for (let i = 0; i < 7; i++) await oldRun(store, 'plain', 'succeeded', 20);
      expect(await pruneRunHistory(store, DEFAULT_RUN_RETENTION, { batchSize: 3 })).toEqual(
        new Map([['*', 7]]),
      );
      await oldRun(store, 'plain', 'cancelled', 20);
      const lines: [string, unknown][] = [];
      const log = (message: string, data?: unknown) => lines.push([message, data]);
      const retention = startRunRetention({
        store,
        retention: DEFAULT_RUN_RETENTION,
        logger: { debug: log, info: log, warn: log, error: log },
      });
      try {
        await expect.poll(() => lines.length).toBe(1);
        expect(lines[0]).toEqual([
          'pruned 1 finished runs (kept: 14 days, failed 30 days, unless the flow sets its own)',
          { pruned: 1 },
        ]);
      } finally {
        retention.stop();
      }
    } finally {
      await store.close();
    }
  });
});

describe('run retention on a running server', () => {
  it('prunes old runs at start, keeping what a flow of its own says to keep', async () => {
    const store = new SqliteStore(join(dir, 'r1.db'));
    await store.saveFlow(flowDoc('plain'));
    await store.saveFlow(flowDoc('keepy', { days: 60, failedDays: 0 }));
    const gone = [
      await oldRun(store, 'plain', 'succeeded', 20),
      await oldRun(store, 'plain', 'failed', 40),
      await oldRun(store, 'deleted-flow', 'cancelled', 15),
      await oldRun(store, 'keepy', 'succeeded', 70),
    ];
    const kept = [
      await oldRun(store, 'plain', 'succeeded', 2),
      await oldRun(store, 'plain', 'failed', 20),
      await oldRun(store, 'keepy', 'succeeded', 20),
      await oldRun(store, 'keepy', 'failed', 400),
    ];
    await store.close();

    const h = await startTestServer({ dir, settings: settingsFrom({}) });
    try {
      const ids = async () => (await h.runtime.store.listRuns({ limit: 100 })).map((run) => run.id).sort();
      await expect.poll(ids).toEqual([...kept].sort());
      expect(gone.every((id) => !kept.includes(id))).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('refuses to save a flow whose retention is not whole days, naming the field', async () => {
    const h = await startTestServer({ dir, settings: settingsFrom({}) });
    try {
      const bad = { ...flowOf({ a: ['test.step'] }, [], 'bad'), retention: { days: 7, failedDays: 2.5 } };
      const saved = await h.api('/api/flows', { method: 'POST', json: bad });
      expect(saved.status).toBe(400);
      expect(saved.body.error.issues[0]).toMatchObject({
        path: 'retention.failedDays',
        message: '"retention.failedDays" must be a whole number (it is the number 2.5)',
      });
    } finally {
      await h.close();
    }
  });
});
