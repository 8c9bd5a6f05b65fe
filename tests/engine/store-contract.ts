// The behaviour every Store implementation owes the engine and the server. An implementation's
// test file calls `describeStoreContract` with a factory for fresh, empty stores; the SQLite store
// runs it in sqlite-store.contract.test.ts and a Postgres store will run the same suite.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { newRunId } from '../../engine/ids.ts';
import type { RunStatus } from '../../engine/run-machine.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import { emptyNodeRow } from '../../engine/scheduler/new-run.ts';
import type { StoredApiKey } from '../../engine/store/api-key-records.ts';
import type { ConnectionDraft } from '../../engine/store/connection-records.ts';
import type { FeedbackDraft } from '../../engine/store/feedback-records.ts';
import type {
  NodeAttemptRecord,
  NodeRunRecord,
  RunEvent,
  RunRecord,
  StoreChange,
} from '../../engine/store/records.ts';
import type { Store } from '../../engine/store/store.ts';
import {
  SCHEDULE_FIRE_RETENTION_MS,
  type StoredTrigger,
  type TriggerDraft,
} from '../../engine/store/trigger-records.ts';
import { flowOf } from '../support/engine-harness.ts';
import { describeAuditContract } from './audit-store-contract.ts';
import { describeRunRetentionContract } from './retention-store-contract.ts';

export interface StoreUnderTest {
  /** A fresh, empty store. */
  store: Store;
  /** Another handle on the same data, as a second orchestrator process would open it. */
  connect(): Promise<Store>;
  /** Closes every handle and removes the data. */
  dispose(): Promise<void>;
}

const flow = (name = 'test-flow'): FlowDocument =>
  FlowDocumentSchema.parse({ ...flowOf({ a: ['test.step'], b: ['test.step'] }, ['a.out->b.in']), name });

let clock = 1_700_000_000_000;

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  clock += 1000;
  return {
    id: newRunId(clock),
    flowId: 'test-flow',
    flowVersion: 1,
    project: 'default',
    status: 'queued',
    input: { question: 'how many?' },
    output: null,
    error: null,
    trigger: { kind: 'api' },
    rerunOf: null,
    threadId: null,
    idempotencyKey: null,
    startedBy: null,
    access: null,
    owner: null,
    leaseUntil: null,
    cancelRequested: false,
    cost: null,
    createdAt: clock,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

function nodeRecord(runId: string, nodeId: string): NodeRunRecord {
  return emptyNodeRow(runId, nodeId, 'test.step@1');
}

export const insertRun = (run: RunRecord, nodeIds = ['a', 'b']): StoreChange => ({
  kind: 'insertRun',
  run,
  nodes: nodeIds.map((nodeId) => nodeRecord(run.id, nodeId)),
});

export const event = (runId: string, type: RunEvent['type'], nodeId: string | null = null): StoreChange => ({
  kind: 'event',
  event: { runId, type, nodeId, data: nodeId ? { node: nodeId } : null, at: clock },
});

async function addRun(store: Store, overrides: Partial<RunRecord> = {}): Promise<RunRecord> {
  const run = runRecord(overrides);
  await store.commit([insertRun(run)]);
  return run;
}

const webhook = (nodeId: string, path: string, auth: 'hmac' | 'token' = 'hmac'): TriggerDraft => ({
  nodeId,
  kind: 'webhook',
  path,
  config: { path, auth },
});
const schedule = (nodeId: string, cron = '0 3 * * *'): TriggerDraft => ({
  nodeId,
  kind: 'schedule',
  path: null,
  config: { cron },
});
const noCredential = () => null;

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`the ${name} store contract`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describeAuditContract(() => store);
    describeRunRetentionContract(() => store);

    describe('flows and versions', () => {
      it('each save makes a new immutable version; earlier versions keep their document', async () => {
        const doc = flow();
        const v1 = await store.saveFlow(doc);
        const v2 = await store.saveFlow({ ...doc, name: 'renamed' });
        expect([v1.version, v2.version]).toEqual([1, 2]);
        expect(v2.document.version).toBe(2);
        expect((await store.getFlowVersion(doc.id, 1))!.document.name).toBe('test-flow');
        expect((await store.getFlowVersion(doc.id))!.document.name).toBe('renamed');
        expect((await store.getFlowVersion(doc.id, 3)) ?? null).toBeNull();
        expect((await store.listFlowVersions(doc.id)).map((v) => v.version)).toEqual([2, 1]);
        expect(await store.getFlow(doc.id)).toMatchObject({
          name: 'renamed',
          latestVersion: 2,
          enabled: true,
        });
        expect(await saveFlowIfChanged(store, { ...doc, name: 'renamed' })).toMatchObject({
          version: 2,
          created: false,
        });
      });

      it("a flow belongs to its document's project (default: default), following its latest draft or version", async () => {
        const doc = flow();
        await store.saveFlow(doc);
        expect((await store.getFlow(doc.id))?.project).toBe('default');
        await store.drafts.save({ ...doc, project: 'sales' }, null);
        expect((await store.getFlow(doc.id))?.project).toBe('sales');
        await store.saveFlow({ ...doc, project: 'hr' });
        expect((await store.listFlows()).map((f) => f.project)).toEqual(['hr']);
      });

      it('lists flows, switches them off and on, and refuses an unknown flow', async () => {
        await store.saveFlow(flow());
        await store.saveFlow({ ...flow(), id: 'other-flow', name: 'other' });
        expect((await store.listFlows()).map((f) => f.id).sort()).toEqual(['other-flow', 'test-flow']);
        await store.setFlowEnabled('test-flow', false);
        expect((await store.getFlow('test-flow'))!.enabled).toBe(false);
        await store.setFlowEnabled('test-flow', true);
        expect((await store.getFlow('test-flow'))!.enabled).toBe(true);
        await expect(store.setFlowEnabled('nope', false)).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND' });
      });

      it('a deleted flow keeps its versions for its runs, and a re-created one continues the numbering', async () => {
        const doc = flow();
        await store.saveFlow(doc);
        expect(await store.deleteFlow(doc.id)).toBe(true);
        expect(await store.deleteFlow(doc.id)).toBe(false);
        expect(await store.getFlow(doc.id)).toBeNull();
        expect(await store.getFlowVersion(doc.id)).toBeNull();
        expect(await store.listFlows()).toEqual([]);
        expect((await store.getFlowVersion(doc.id, 1))!.document.id).toBe(doc.id);
        expect((await store.saveFlow({ ...doc, name: 'again' })).version).toBe(2);
        expect((await store.getFlow(doc.id))!.name).toBe('again');
      });
    });

    describe('drafts and publication', () => {
      it('a draft creates the flow without a version; saving it again replaces it; discarding drops it', async () => {
        const doc = flow();
        const draft = await store.drafts.save({ ...doc, version: 7 }, 'alice');
        expect(draft).toMatchObject({ flowId: doc.id, updatedBy: 'alice' });
        expect(draft.document.version).toBeUndefined();
        expect(await store.getFlow(doc.id)).toMatchObject({ latestVersion: 0, publishedVersion: null });
        expect(await store.getFlowVersion(doc.id)).toBeNull();
        await store.drafts.save({ ...doc, name: 'second' }, null);
        expect((await store.drafts.get(doc.id))!.document.name).toBe('second');
        expect((await store.getFlow(doc.id))!.name).toBe('second');
        expect((await store.saveFlow(doc)).version).toBe(1);
        expect(await store.drafts.discard(doc.id)).toBe(true);
        expect(await store.drafts.discard(doc.id)).toBe(false);
        expect(await store.drafts.get(doc.id)).toBeNull();
      });

      it('publishing points the flow at a version and records its first publication only', async () => {
        const doc = flow();
        const v1 = await store.saveFlow(doc);
        expect(v1.publication).toBeNull();
        const published = await store.publishVersion(doc.id, 1, { by: 'alice', note: 'first' });
        expect(published.publication).toMatchObject({ by: 'alice', note: 'first' });
        await store.saveFlow({ ...doc, name: 'two' });
        expect(await store.getFlow(doc.id)).toMatchObject({ latestVersion: 2, publishedVersion: 1 });
        await store.publishVersion(doc.id, 2, { by: null, note: null });
        const again = await store.publishVersion(doc.id, 1, { by: 'bob', note: 'rollback' });
        expect(again.publication).toMatchObject({ by: 'alice', note: 'first' });
        expect((await store.getFlow(doc.id))!.publishedVersion).toBe(1);
        expect((await store.listFlowVersions(doc.id)).map((v) => v.publication?.note)).toEqual([
          null,
          'first',
        ]);
        await expect(store.publishVersion(doc.id, 9, { by: null, note: null })).rejects.toMatchObject({
          code: 'FLOW_NOT_FOUND',
        });
        expect((await store.getFlow(doc.id))!.publishedVersion).toBe(1);
        await expect(store.publishVersion('nope', 1, { by: null, note: null })).rejects.toMatchObject({
          code: 'FLOW_NOT_FOUND',
        });
      });

      it('deleting a flow drops its draft and its publication', async () => {
        const doc = flow();
        await store.saveFlow(doc);
        await store.publishVersion(doc.id, 1, { by: null, note: null });
        await store.drafts.save(doc, null);
        await store.deleteFlow(doc.id);
        expect(await store.drafts.get(doc.id)).toBeNull();
        await store.drafts.save(doc, null);
        expect(await store.getFlow(doc.id)).toMatchObject({ latestVersion: 1, publishedVersion: null });
      });
    });

    describe('runs, commits and events', () => {
      it('commit applies a batch and numbers its events with a store-wide increasing sequence', async () => {
        const one = runRecord();
        const two = runRecord();
        const first = await store.commit([
          insertRun(one),
          event(one.id, 'run.queued'),
          insertRun(two),
          event(two.id, 'run.queued'),
        ]);
        const second = await store.commit([
          { kind: 'updateRun', runId: one.id, patch: { status: 'running', startedAt: clock } },
          { kind: 'updateNode', runId: one.id, nodeId: 'a', patch: { status: 'running', attempt: 1 } },
          event(one.id, 'run.started'),
          event(one.id, 'node.running', 'a'),
        ]);
        const seqs = [...first, ...second].map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).toBe(4);
        expect(second[1]).toMatchObject({
          runId: one.id,
          type: 'node.running',
          nodeId: 'a',
          data: { node: 'a' },
        });
        expect(await store.commit([])).toEqual([]);

        const all = await store.readEvents({});
        expect(all.map((e) => e.seq)).toEqual(seqs);
        expect((await store.readEvents({ runId: one.id })).map((e) => e.type)).toEqual([
          'run.queued',
          'run.started',
          'node.running',
        ]);
        expect((await store.readEvents({ afterSeq: seqs[1]! })).map((e) => e.seq)).toEqual(seqs.slice(2));
        expect((await store.readEvents({ runId: one.id, afterSeq: seqs[0]!, limit: 1 }))[0]!.type).toBe(
          'run.started',
        );
      });

      it('a batch with a failing change leaves nothing behind', async () => {
        const run = await addRun(store);
        const events = await store.readEvents({});
        const again = runRecord({ id: run.id });
        await expect(
          store.commit([
            { kind: 'updateRun', runId: run.id, patch: { status: 'running' } },
            event(run.id, 'run.started'),
            insertRun(again),
          ]),
        ).rejects.toThrow();
        expect((await store.getRunRecord(run.id))!.status).toBe('queued');
        expect(await store.readEvents({})).toEqual(events);
      });

      it('getRun returns the run with its nodes in flow order, JSON values parsed', async () => {
        const run = runRecord({ trigger: { kind: 'webhook', detail: { path: 'ask' } } });
        const attempt: NodeAttemptRecord = {
          runId: run.id,
          nodeId: 'a',
          attempt: 1,
          status: 'succeeded',
          error: null,
          startedAt: clock - 5,
          finishedAt: clock,
          cost: { tokensIn: 120, tokensOut: 30, modelMs: 40, sqlMs: 0, rows: 0 },
        };
        await store.commit([insertRun(run, ['z', 'a', 'm'])]);
        await store.commit([
          {
            kind: 'updateNode',
            runId: run.id,
            nodeId: 'a',
            patch: {
              status: 'succeeded',
              output: { rows: [1, 2] },
              durationMs: 12.5,
              finishedAt: clock,
              cost: attempt.cost!,
            },
          },
          {
            kind: 'updateRun',
            runId: run.id,
            patch: {
              status: 'failed',
              error: { code: 'NODE_FAILED', message: 'boom' },
              finishedAt: clock,
              cost: attempt.cost!,
            },
          },
          { kind: 'insertAttempt', attempt },
        ]);
        const stored = (await store.getRun(run.id))!;
        expect(stored.nodes.map((n) => n.nodeId)).toEqual(['z', 'a', 'm']);
        expect(stored.nodes[1]).toMatchObject({
          status: 'succeeded',
          output: { rows: [1, 2] },
          durationMs: 12.5,
          cost: attempt.cost,
          pinned: false,
        });
        expect(stored.nodes[0]!.cost).toBeNull();
        expect(stored.run.cost).toEqual(attempt.cost);
        expect(stored.run).toMatchObject({
          status: 'failed',
          input: { question: 'how many?' },
          error: { code: 'NODE_FAILED', message: 'boom' },
          trigger: { kind: 'webhook', detail: { path: 'ask' } },
          cancelRequested: false,
        });
        expect(await store.getRunRecord(run.id)).toEqual(stored.run);
        expect(await store.listAttempts(run.id)).toEqual([attempt]);
        expect(await store.getRun('r-none')).toBeNull();
        expect(await store.getRunRecord('r-none')).toBeNull();
      });

      it('listRuns filters by flow and status and pages newest first', async () => {
        const a1 = await addRun(store, { flowId: 'a' });
        const b1 = await addRun(store, { flowId: 'b', status: 'running' });
        const a2 = await addRun(store, { flowId: 'a', status: 'succeeded' });
        const a3 = await addRun(store, { flowId: 'a', status: 'failed' });
        const ids = (runs: RunRecord[]) => runs.map((r) => r.id);
        expect(ids(await store.listRuns())).toEqual([a3.id, a2.id, b1.id, a1.id]);
        expect(ids(await store.listRuns({ flowId: 'a' }))).toEqual([a3.id, a2.id, a1.id]);
        expect(ids(await store.listRuns({ status: 'running' }))).toEqual([b1.id]);
        expect(ids(await store.listRuns({ flowId: 'a', status: ['queued', 'failed'] }))).toEqual([
          a3.id,
          a1.id,
        ]);
        expect(ids(await store.listRuns({ limit: 2, offset: 1 }))).toEqual([a2.id, b1.id]);
      });

      it('stores a run with its project; listRuns narrows to projects, and to own runs in others', async () => {
        const ada = { kind: 'user' as const, id: 'u1', name: 'ada', userId: 'u1' };
        const bob = { kind: 'user' as const, id: 'u2', name: 'bob', userId: 'u2' };
        const sales = await addRun(store, { project: 'sales' });
        const hrAda = await addRun(store, { project: 'hr', startedBy: ada });
        const hrBob = await addRun(store, { project: 'hr', startedBy: bob });
        const other = await addRun(store, {});
        const ids = (runs: RunRecord[]) => runs.map((r) => r.id);
        expect((await store.getRunRecord(sales.id))?.project).toBe('sales');
        expect((await store.getRunRecord(other.id))?.project).toBe('default');
        const visible = (projects: string[], ownIn: string[], userId: string | null) =>
          store.listRuns({ visibleTo: { projects, ownIn, userId } }).then(ids);
        expect(await visible(['sales'], ['hr'], 'u1')).toEqual([hrAda.id, sales.id]);
        expect(await visible([], ['hr'], 'u2')).toEqual([hrBob.id]);
        expect(await visible(['hr', 'default'], [], null)).toEqual([other.id, hrBob.id, hrAda.id]);
        expect(await visible([], [], 'u1')).toEqual([]);
      });

      it('openThread starts a thread named after a run, once; listRuns filters by thread, newest first', async () => {
        const first = await addRun(store, { status: 'succeeded', owner: 'orchestrator-a' });
        const outside = await addRun(store);
        expect(await store.openThread('r-missing')).toBeNull();
        expect(await store.listRuns({ threadId: first.id })).toEqual([]);
        expect(await store.openThread(first.id)).toBe(first.id);
        // Another process's run: starting its thread leaves its owner and state alone.
        expect(await store.getRunRecord(first.id)).toEqual({ ...first, threadId: first.id });
        const second = await addRun(store, { threadId: first.id, status: 'succeeded' });
        const third = await addRun(store, { threadId: first.id });
        // A run already in a thread keeps it.
        expect(await store.openThread(second.id)).toBe(first.id);
        const ids = (runs: RunRecord[]) => runs.map((r) => r.id);
        expect(ids(await store.listRuns({ threadId: first.id }))).toEqual([third.id, second.id, first.id]);
        expect(ids(await store.listRuns({ threadId: first.id, status: 'succeeded', limit: 1 }))).toEqual([
          second.id,
        ]);
        expect((await store.getRun(third.id))?.run.threadId).toBe(first.id);
        expect((await store.getRunRecord(outside.id))?.threadId).toBeNull();
      });

      it('finds a run by its idempotency key and refuses a second run with the same key', async () => {
        const run = await addRun(store, { idempotencyKey: 'order-7' });
        expect((await store.findRunByIdempotencyKey('test-flow', 'order-7'))!.id).toBe(run.id);
        expect(await store.findRunByIdempotencyKey('other-flow', 'order-7')).toBeNull();
        expect(await store.findRunByIdempotencyKey('test-flow', 'order-8')).toBeNull();
        await expect(store.commit([insertRun(runRecord({ idempotencyKey: 'order-7' }))])).rejects.toThrow();
        await addRun(store, { flowId: 'other-flow', idempotencyKey: 'order-7' });
        expect(await store.listRuns({ flowId: 'test-flow' })).toHaveLength(1);
      });
    });

    describe('pin records', () => {
      const pin = (nodeId: string, output: Record<string, unknown>, flowId = 'flow-a') => ({
        flowId,
        nodeId,
        nodeKey: 'llm.generate@1',
        runId: 'run-1',
        output,
        pinnedAt: clock,
      });

      it('keeps one pin per flow and node, replacing it, listed in node order and removed once', async () => {
        await store.pins.put(pin('gen', { candidates: { candidates: [], model: 'm' } }));
        await store.pins.put(pin('b', { out: 1 }));
        await store.pins.put(pin('gen', { out: 'other' }, 'flow-b'));
        await store.pins.put({ ...pin('b', { out: 2 }), runId: 'run-2' });
        expect(await store.pins.get('flow-a', 'gen')).toEqual(
          pin('gen', { candidates: { candidates: [], model: 'm' } }),
        );
        expect((await store.pins.list('flow-a')).map((p) => [p.nodeId, p.runId, p.output])).toEqual([
          ['b', 'run-2', { out: 2 }],
          ['gen', 'run-1', { candidates: { candidates: [], model: 'm' } }],
        ]);
        expect(await store.pins.remove('flow-a', 'gen')).toBe(true);
        expect(await store.pins.remove('flow-a', 'gen')).toBe(false);
        expect(await store.pins.get('flow-a', 'gen')).toBeNull();
        expect(await store.pins.list('flow-b')).toHaveLength(1);
        expect(await store.pins.list('flow-none')).toEqual([]);
      });
    });

    describe('metrics queries', () => {
      it('counts runs by status and names the node key a run used', async () => {
        const statuses: RunStatus[] = ['queued', 'running', 'running', 'succeeded'];
        const runs = [];
        for (const status of statuses) runs.push(await addRun(store, { status }));
        expect(await store.countRunsByStatus()).toEqual({ queued: 1, running: 2, succeeded: 1 });
        expect(await store.getNodeKey(runs[0]!.id, 'b')).toBe('test.step@1');
        expect(await store.getNodeKey(runs[0]!.id, 'nope')).toBeNull();
      });
    });

    describe('claims and leases', () => {
      it('claims unowned, expired and dead-owner runs, never finished runs or live leases', async () => {
        const now = clock + 10_000;
        const unowned = await addRun(store);
        const expired = await addRun(store, { status: 'running', owner: 'p1', leaseUntil: now - 1 });
        const dead = await addRun(store, { status: 'running', owner: 'p2', leaseUntil: now + 60_000 });
        const live = await addRun(store, { status: 'running', owner: 'p3', leaseUntil: now + 60_000 });
        await addRun(store, { status: 'succeeded', owner: null });
        await addRun(store, { status: 'failed', owner: 'p2', leaseUntil: now - 1 });
        const claimed = await store.claimRuns('me', now + 30_000, now, ['p2']);
        expect(claimed.sort()).toEqual([unowned.id, expired.id, dead.id].sort());
        expect(await store.getRunRecord(dead.id)).toMatchObject({ owner: 'me', leaseUntil: now + 30_000 });
        expect((await store.getRunRecord(live.id))!.owner).toBe('p3');
        expect(await store.claimRuns('other', now + 30_000, now, [])).toEqual([]);
        const owners = await store.listActiveRunOwners();
        expect(owners.map((o) => o.owner).sort()).toEqual(['me', 'p3']);
        expect(owners.find((o) => o.owner === 'me')!.leaseUntil).toBe(now + 30_000);
      });

      it('two owners claiming at once never claim the same run', async () => {
        const other = await subject.connect();
        const runs = [];
        for (let i = 0; i < 40; i++) runs.push(await addRun(store, { owner: 'gone', leaseUntil: clock - 1 }));
        const now = clock + 1;
        const [mine, theirs] = await Promise.all([
          store.claimRuns('me', now + 30_000, now, []),
          other.claimRuns('them', now + 30_000, now, []),
        ]);
        expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
        expect([...mine, ...theirs].sort()).toEqual(runs.map((r) => r.id).sort());
        for (const id of mine) expect((await other.getRunRecord(id))!.owner).toBe('me');
        await other.close();
      });

      it('renewLeases extends only the named active runs it owns, reports cancel requests and lost runs', async () => {
        const lease = clock + 5000;
        const mine = await addRun(store, { status: 'running', owner: 'me', leaseUntil: lease });
        const cancelled = await addRun(store, { status: 'running', owner: 'me', leaseUntil: lease });
        const done = await addRun(store, { status: 'succeeded', owner: 'me', leaseUntil: lease });
        const theirs = await addRun(store, { status: 'running', owner: 'them', leaseUntil: lease });
        await store.requestCancel(cancelled.id);
        await store.requestCancel(theirs.id);
        expect((await store.getRunRecord(cancelled.id))!.cancelRequested).toBe(true);
        const { cancelRequested, lost } = await store.renewLeases('me', lease + 99_000, [
          mine.id,
          cancelled.id,
          done.id,
          theirs.id,
          'never-stored',
        ]);
        expect(cancelRequested).toEqual([cancelled.id]);
        expect(lost.sort()).toEqual([theirs.id, 'never-stored'].sort());
        expect((await store.getRunRecord(mine.id))!.leaseUntil).toBe(lease + 99_000);
        expect((await store.getRunRecord(done.id))!.leaseUntil).toBe(lease);
        expect((await store.getRunRecord(theirs.id))!.leaseUntil).toBe(lease);
        await expect(store.requestCancel('r-none')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      });
    });

    describe('fenced commits', () => {
      it('refuses a whole batch touching a run another owner holds, naming the runs it lost', async () => {
        const mine = await addRun(store, { status: 'running', owner: 'me', leaseUntil: clock + 60_000 });
        const taken = await addRun(store, { status: 'running', owner: 'them', leaseUntil: clock + 60_000 });
        const events = await store.readEvents({});
        const fresh = runRecord();
        await expect(
          store.commit(
            [
              { kind: 'updateRun', runId: mine.id, patch: { status: 'succeeded' } },
              event(mine.id, 'run.succeeded'),
              insertRun(fresh),
              { kind: 'updateNode', runId: taken.id, nodeId: 'a', patch: { status: 'running' } },
              { kind: 'updateRun', runId: 'r-never-stored', patch: { status: 'failed' } },
            ],
            { owner: 'me' },
          ),
        ).rejects.toMatchObject({ code: 'RUN_LEASE_LOST', data: { runIds: [taken.id, 'r-never-stored'] } });
        expect((await store.getRunRecord(mine.id))!.status).toBe('running');
        expect(await store.getRunRecord(fresh.id)).toBeNull();
        expect((await store.getRun(taken.id))!.nodes[0]!.status).toBe('pending');
        expect(await store.readEvents({})).toEqual(events);
      });

      it('applies a batch touching only its own runs and the runs it inserts', async () => {
        const mine = await addRun(store, { status: 'running', owner: 'me', leaseUntil: clock + 60_000 });
        const fresh = runRecord({ owner: 'me' });
        const written = await store.commit(
          [
            insertRun(fresh),
            event(fresh.id, 'run.queued'),
            { kind: 'updateRun', runId: mine.id, patch: { status: 'succeeded', finishedAt: clock } },
          ],
          { owner: 'me' },
        );
        expect(written.map((e) => e.runId)).toEqual([fresh.id]);
        expect((await store.getRunRecord(mine.id))!.status).toBe('succeeded');
        expect((await store.getRunRecord(fresh.id))!.owner).toBe('me');
      });
    });

    describe('webhook replay records', () => {
      it('accepts a key once within its window, again after it expired, and keeps keys apart', async () => {
        const now = 1_000_000;
        expect(await store.replays.firstSeen('trg_1:sig-a', 300, now)).toBe(true);
        expect(await store.replays.firstSeen('trg_1:sig-a', 300, now + 299)).toBe(false);
        expect(await store.replays.firstSeen('trg_1:sig-b', 300, now + 1)).toBe(true);
        expect(await store.replays.firstSeen('trg_1:sig-a', 300, now + 300)).toBe(true);
        expect(await store.replays.firstSeen('trg_1:sig-a', 300, now + 301)).toBe(false);
      });

      it('two handles offered the same key at once accept it once', async () => {
        const other = await subject.connect();
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? store : other).replays.firstSeen('same', 60_000),
          ),
        );
        expect(answers.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('trigger records', () => {
      it('syncFlow inserts, updates and deletes rows by node id, asking for credentials in between', async () => {
        const asked: [string, string | null][] = [];
        const first = await store.triggers.syncFlow(
          'f',
          1,
          [webhook('hook', 'ask'), schedule('nightly')],
          (draft, previous) => {
            asked.push([draft.nodeId, previous?.id ?? null]);
            return draft.kind === 'webhook' ? { secretSealed: 'sealed-1' } : null;
          },
        );
        expect(asked).toEqual([
          ['hook', null],
          ['nightly', null],
        ]);
        const hook = first.find((t) => t.nodeId === 'hook')!;
        expect(hook).toMatchObject({
          flowId: 'f',
          flowVersion: 1,
          kind: 'webhook',
          path: 'ask',
          secretSealed: 'sealed-1',
          tokenHash: null,
          enabled: true,
          lastFireAt: null,
        });
        expect(first.find((t) => t.nodeId === 'nightly')).toMatchObject({
          kind: 'schedule',
          path: null,
          config: { cron: '0 3 * * *' },
        });

        await store.triggers.setEnabled(hook.id, false);
        await store.commit([{ kind: 'claimFire', triggerId: hook.id, fireAt: 1234, runId: 'r-1234' }]);
        asked.length = 0;
        const second = await store.triggers.syncFlow(
          'f',
          2,
          [webhook('hook', 'ask-v2', 'token'), schedule('hourly', '0 * * * *')],
          (draft, previous) => {
            asked.push([draft.nodeId, previous?.id ?? null]);
            return previous && (previous.config as { auth: string }).auth !== draft.config.auth
              ? { tokenHash: 'hash-2' }
              : null;
          },
        );
        expect(asked).toEqual([
          ['hook', hook.id],
          ['hourly', null],
        ]);
        expect(second.map((t) => t.nodeId).sort()).toEqual(['hook', 'hourly']);
        expect(second.find((t) => t.nodeId === 'hook')).toMatchObject({
          id: hook.id,
          flowVersion: 2,
          path: 'ask-v2',
          config: { path: 'ask-v2', auth: 'token' },
          secretSealed: null,
          tokenHash: 'hash-2',
          enabled: false,
          lastFireAt: 1234,
        });
        expect(await store.triggers.byPath('ask')).toBeNull();
        expect((await store.triggers.byPath('ask-v2'))!.id).toBe(hook.id);
        expect(await store.triggers.list({ flowId: 'f' })).toEqual(second);
      });

      it('a path belongs to one trigger: another flow cannot take it', async () => {
        await store.triggers.syncFlow('f', 1, [webhook('hook', 'ask')], noCredential);
        await expect(
          store.triggers.syncFlow('g', 1, [webhook('hook', 'ask')], noCredential),
        ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
        expect(await store.triggers.list({ flowId: 'g' })).toEqual([]);
      });

      it('lists by flow and kind, rotates credentials, switches and removes triggers', async () => {
        await store.triggers.syncFlow('f', 1, [webhook('hook', 'f-hook'), schedule('nightly')], noCredential);
        await store.triggers.syncFlow('g', 3, [schedule('weekly', '0 0 * * 0')], noCredential);
        const kinds = (list: StoredTrigger[]) => list.map((t) => `${t.flowId}:${t.nodeId}`).sort();
        expect(kinds(await store.triggers.list())).toEqual(['f:hook', 'f:nightly', 'g:weekly']);
        expect(kinds(await store.triggers.list({ kind: 'schedule' }))).toEqual(['f:nightly', 'g:weekly']);
        expect(kinds(await store.triggers.list({ flowId: 'f', kind: 'webhook' }))).toEqual(['f:hook']);

        const hook = (await store.triggers.byPath('f-hook'))!;
        expect(hook.secretSealed).toBeNull();
        expect(await store.triggers.setCredential(hook.id, { tokenHash: 'h1' })).toBe(true);
        expect(await store.triggers.get(hook.id)).toMatchObject({ tokenHash: 'h1', secretSealed: null });
        await store.triggers.setCredential(hook.id, { secretSealed: 's2' });
        expect(await store.triggers.get(hook.id)).toMatchObject({ tokenHash: null, secretSealed: 's2' });
        expect(await store.triggers.setCredential('trg_none', { tokenHash: 'x' })).toBe(false);
        expect(await store.triggers.setEnabled(hook.id, false)).toBe(true);
        expect((await store.triggers.get(hook.id))!.enabled).toBe(false);
        expect(await store.triggers.setEnabled('trg_none', true)).toBe(false);

        expect(await store.triggers.removeFlow('f')).toBe(2);
        expect(await store.triggers.get(hook.id)).toBeNull();
        expect(kinds(await store.triggers.list())).toEqual(['g:weekly']);
      });
    });

    describe('schedule fires', () => {
      const claim = (triggerId: string, fireAt: number, run: RunRecord): StoreChange[] => [
        { kind: 'claimFire', triggerId, fireAt, runId: run.id },
        insertRun(run),
      ];
      const nightly = async () =>
        (await store.triggers.syncFlow('f', 1, [schedule('nightly')], noCredential))[0]!;

      it('a tick is claimed with its run once; a second claim is refused and writes nothing', async () => {
        const trigger = await nightly();
        const tick = Date.parse('2026-03-01T03:00:00Z');
        const first = runRecord();
        await store.commit(claim(trigger.id, tick, first));
        const second = runRecord();
        await expect(store.commit(claim(trigger.id, tick, second))).rejects.toMatchObject({
          code: 'SCHEDULE_TICK_TAKEN',
          data: { triggerId: trigger.id, fireAt: tick },
        });
        expect(await store.getRunRecord(second.id)).toBeNull();
        expect(await store.getRunRecord(first.id)).not.toBeNull();
        expect((await store.triggers.get(trigger.id))!.lastFireAt).toBe(tick);
        expect(await store.triggers.listFires(trigger.id)).toEqual([
          {
            triggerId: trigger.id,
            fireAt: tick,
            status: 'started',
            runId: first.id,
            recordedAt: expect.any(Number),
          },
        ]);
        // An older tick delivered late is still claimed once, and does not move lastFireAt back.
        await store.commit(claim(trigger.id, tick - 86_400_000, runRecord()));
        expect((await store.triggers.get(trigger.id))!.lastFireAt).toBe(tick);
      });

      it('two store handles claiming the same ticks at once: exactly one run per tick', async () => {
        const other = await subject.connect();
        const trigger = await nightly();
        const ticks = Array.from({ length: 20 }, (_, i) => Date.parse('2026-03-01T00:00:00Z') + i * 1000);
        const outcomes = await Promise.all(
          ticks.map(async (tick) => {
            const [mine, theirs] = [runRecord(), runRecord()];
            const results = await Promise.allSettled([
              store.commit(claim(trigger.id, tick, mine)),
              other.commit(claim(trigger.id, tick, theirs)),
            ]);
            return { tick, runs: [mine, theirs], results };
          }),
        );
        for (const { runs, results } of outcomes) {
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          expect(refused.reason).toMatchObject({ code: 'SCHEDULE_TICK_TAKEN' });
          const stored = await Promise.all(runs.map((run) => other.getRunRecord(run.id)));
          expect(stored.filter((run) => run !== null)).toHaveLength(1);
        }
        const fires = await other.triggers.listFires(trigger.id);
        expect(fires.map((f) => f.fireAt)).toEqual([...ticks].reverse());
        expect(new Set(fires.map((f) => f.runId)).size).toBe(ticks.length);
        await other.close();
      });

      it('a missed tick is recorded once and never starts a run afterwards', async () => {
        const other = await subject.connect();
        const trigger = await nightly();
        const tick = Date.parse('2026-03-02T03:00:00Z');
        expect(await store.triggers.recordMissedFire(trigger.id, tick)).toBe(true);
        expect(await other.triggers.recordMissedFire(trigger.id, tick)).toBe(false);
        await expect(store.commit(claim(trigger.id, tick, runRecord()))).rejects.toMatchObject({
          code: 'SCHEDULE_TICK_TAKEN',
        });
        const started = runRecord();
        await store.commit(claim(trigger.id, tick + 86_400_000, started));
        expect(await store.triggers.recordMissedFire(trigger.id, tick + 86_400_000)).toBe(false);
        expect(await store.triggers.listFires(trigger.id, { limit: 5 })).toMatchObject([
          { fireAt: tick + 86_400_000, status: 'started', runId: started.id },
          { fireAt: tick, status: 'missed', runId: null },
        ]);
        expect((await store.triggers.get(trigger.id))!.lastFireAt).toBe(tick + 86_400_000);
        await other.close();
      });

      it('a claim prunes its trigger rows older than the retention; removing the trigger removes its rows', async () => {
        const trigger = await nightly();
        const [kept] = await store.triggers.syncFlow('g', 1, [schedule('weekly')], noCredential);
        const old = Date.parse('2026-01-01T03:00:00Z');
        await store.commit(claim(trigger.id, old, runRecord()));
        await store.commit(claim(kept!.id, old, runRecord()));
        await store.triggers.recordMissedFire(trigger.id, old + 86_400_000);
        const later = old + SCHEDULE_FIRE_RETENTION_MS + 86_400_000;
        await store.commit(claim(trigger.id, later, runRecord()));
        expect((await store.triggers.listFires(trigger.id)).map((f) => f.fireAt)).toEqual([
          later,
          old + 86_400_000,
        ]);
        expect(await store.triggers.listFires(kept!.id)).toHaveLength(1); // another trigger's rows stay
        await store.triggers.removeFlow('f');
        expect(await store.triggers.listFires(trigger.id)).toEqual([]);
        await store.triggers.syncFlow('g', 2, [], noCredential);
        expect(await store.triggers.listFires(kept!.id)).toEqual([]);
      });
    });

    describe('user records', () => {
      const user = (id: string, name: string, createdAt: number) => ({
        id,
        name,
        passwordHash: `hash-${id}`,
        roles: { default: 'runner' as const },
        createdAt,
      });

      it('stores users with a role per project, finds them by id or name (any case), changes and removes them', async () => {
        expect(await store.users.count()).toBe(0);
        await store.users.insert(user('u1', 'Rita', 1000));
        await store.users.insert(user('u2', 'vic', 2000));
        await expect(store.users.insert(user('u3', 'RITA', 3000))).rejects.toThrow();
        expect(await store.users.byName('rita')).toEqual({
          ...user('u1', 'Rita', 1000),
          disabledAt: null,
          access: null,
          roleAccess: {},
        });
        expect((await store.users.list()).map((u) => u.id)).toEqual(['u1', 'u2']);

        const access = { connections: { sales: { allowedTables: ['orders'], dbRole: 'analyst' } } };
        expect(await store.users.update('u1', { kind: 'role', project: 'sales', role: 'editor' })).toBe(true);
        expect(await store.users.update('u1', { kind: 'role', project: 'default', role: null })).toBe(true);
        expect(await store.users.update('u1', { kind: 'access', access })).toBe(true);
        expect(await store.users.update('u1', { kind: 'disabled', at: 5000 })).toBe(true);
        expect(await store.users.update('none', { kind: 'disabled', at: 5000 })).toBe(false);
        expect(await store.users.byId('u1')).toMatchObject({
          roles: { sales: 'editor' },
          access,
          disabledAt: 5000,
        });

        // A role's limits: only where the user has that role; kept when the role changes.
        const orders = { connections: {}, default: { allowedTables: ['orders'] } };
        expect(await store.users.update('u1', { kind: 'roleAccess', project: 'sales', access: orders })).toBe(
          true,
        );
        expect(await store.users.update('u1', { kind: 'roleAccess', project: 'hr', access: orders })).toBe(
          false,
        );
        expect(await store.users.update('u1', { kind: 'role', project: 'sales', role: 'runner' })).toBe(true);
        expect((await store.users.byId('u1'))?.roleAccess).toEqual({ sales: orders });
        expect(await store.users.update('u1', { kind: 'roleAccess', project: 'sales', access: null })).toBe(
          true,
        );
        expect((await store.users.byId('u1'))?.roleAccess).toEqual({});
        await store.users.update('u1', { kind: 'roleAccess', project: 'sales', access: orders });

        await store.apiKeys.insert({
          id: 'k1',
          name: 'ci',
          prefix: 'r1f_k1',
          hash: 'h1',
          userId: 'u1',
          createdAt: 1,
        });
        expect(await store.apiKeys.recordUse('h1', 2)).toEqual({ id: 'k1', name: 'ci', userId: 'u1' });
        expect(await store.users.remove('u1')).toBe(true);
        expect(await store.users.remove('u1')).toBe(false);
        expect(await store.users.byId('u1')).toBeNull();
        // A removed user's keys go with them.
        expect(await store.apiKeys.recordUse('h1', 3)).toBeNull();
        expect(await store.users.count()).toBe(1);
      });
    });

    describe('API key records', () => {
      const key = (
        id: string,
        hash: string,
        createdAt: number,
      ): Omit<StoredApiKey, 'lastUsedAt' | 'revokedAt'> => ({
        id,
        name: `name-${id}`,
        prefix: `r1f_${id}`,
        hash,
        userId: null,
        createdAt,
      });

      it('stores keys, stamps their use, and stops accepting revoked ones', async () => {
        expect(await store.apiKeys.hasActive()).toBe(false);
        await store.apiKeys.insert(key('k1', 'hash-1', 1000));
        await store.apiKeys.insert(key('k2', 'hash-2', 2000));
        expect(await store.apiKeys.hasActive()).toBe(true);
        expect(await store.apiKeys.recordUse('hash-1', 5000)).toEqual({
          id: 'k1',
          name: 'name-k1',
          userId: null,
        });
        expect(await store.apiKeys.recordUse('hash-unknown', 5000)).toBeNull();
        expect(await store.apiKeys.list()).toEqual([
          { ...key('k1', 'hash-1', 1000), lastUsedAt: 5000, revokedAt: null },
          { ...key('k2', 'hash-2', 2000), lastUsedAt: null, revokedAt: null },
        ]);

        expect(await store.apiKeys.revoke('k1', 6000)).toBe(true);
        expect(await store.apiKeys.revoke('k1', 7000)).toBe(false);
        expect(await store.apiKeys.revoke('k-none', 7000)).toBe(false);
        expect((await store.apiKeys.list())[0]!.revokedAt).toBe(6000);
        expect(await store.apiKeys.recordUse('hash-1', 8000)).toBeNull();
        expect(await store.apiKeys.isActive('k1')).toBe(false);
        expect(await store.apiKeys.isActive('k2')).toBe(true);
        expect(await store.apiKeys.isActive('k-none')).toBe(false);
        await store.apiKeys.revoke('k2', 9000);
        expect(await store.apiKeys.hasActive()).toBe(false);
      });

      it('refuses a second key with the same hash', async () => {
        await store.apiKeys.insert(key('k1', 'same', 1000));
        await expect(store.apiKeys.insert(key('k2', 'same', 2000))).rejects.toThrow();
        expect((await store.apiKeys.list()).map((k) => k.id)).toEqual(['k1']);
      });
    });

    describe('connection records', () => {
      const draft = (name: string, urlSealed = `sealed-${name}`): ConnectionDraft => ({
        name,
        kind: 'postgres',
        urlSealed,
        display: `postgres://app@db:5432/${name}`,
      });

      it('stores connections by name, lists them in name order and removes them', async () => {
        expect(await store.connections.list()).toEqual([]);
        expect(await store.connections.put(draft('sales'), 1000)).toBe(true);
        expect(
          await store.connections.put({ ...draft('hr'), kind: 'sqlite', display: '/d/hr.db' }, 2000),
        ).toBe(true);
        expect(await store.connections.get('sales')).toEqual({
          ...draft('sales'),
          createdAt: 1000,
          updatedAt: 1000,
          lastTest: null,
        });
        expect((await store.connections.list()).map((c) => [c.name, c.kind])).toEqual([
          ['hr', 'sqlite'],
          ['sales', 'postgres'],
        ]);
        expect(await store.connections.get('none')).toBeNull();
        expect(await store.connections.remove('hr')).toBe(true);
        expect(await store.connections.remove('hr')).toBe(false);
        expect((await store.connections.list()).map((c) => c.name)).toEqual(['sales']);
      });

      it('keeps a taken name unless told to replace it; replacing clears the last test', async () => {
        await store.connections.put(draft('sales', 'old'), 1000);
        await store.connections.recordTest('sales', { at: 1500, ok: false, message: 'refused' });
        expect(await store.connections.put(draft('sales', 'new'), 2000)).toBe(false);
        expect((await store.connections.get('sales'))!.urlSealed).toBe('old');
        expect(await store.connections.put(draft('sales', 'new'), 3000, { replace: true })).toBe(true);
        expect(await store.connections.get('sales')).toMatchObject({
          urlSealed: 'new',
          createdAt: 1000,
          updatedAt: 3000,
          lastTest: null,
        });
      });

      it('remembers the latest test of a connection', async () => {
        await store.connections.put(draft('sales'), 1000);
        expect(await store.connections.recordTest('sales', { at: 2000, ok: false, message: 'refused' })).toBe(
          true,
        );
        expect(
          await store.connections.recordTest('sales', { at: 3000, ok: true, message: 'connected' }),
        ).toBe(true);
        expect((await store.connections.get('sales'))!.lastTest).toEqual({
          at: 3000,
          ok: true,
          message: 'connected',
        });
        expect(await store.connections.recordTest('none', { at: 4000, ok: true, message: 'x' })).toBe(false);
        const other = await subject.connect();
        expect((await other.connections.get('sales'))!.lastTest?.ok).toBe(true);
      });
    });

    describe('feedback and example records', () => {
      const draft = (runId: string, overrides: Partial<FeedbackDraft> = {}): FeedbackDraft => ({
        runId,
        rating: 'down',
        question: 'How many orders shipped?',
        chosenSql: 'SELECT count(*) FROM orders',
        correctedSql: "SELECT count(*) FROM orders WHERE status = 'shipped'",
        comment: 'counts every order',
        warehouse: '/data/warehouse.sqlite',
        dialect: 'sqlite',
        ...overrides,
      });

      it('keeps feedback pending until reviewed, and an accepted review stores its example with it', async () => {
        const down = await store.feedback.insert(draft('r1'), 1000);
        const up = await store.feedback.insert(
          draft('r2', { rating: 'up', correctedSql: null, comment: null }),
          2000,
        );
        expect(down).toMatchObject({
          ...draft('r1'),
          state: 'pending',
          createdAt: 1000,
          reviewedAt: null,
          exampleId: null,
        });
        expect(await store.feedback.get(down.id)).toEqual(down);
        expect((await store.feedback.list({ state: 'pending' })).map((f) => f.id)).toEqual([down.id, up.id]);
        expect((await store.feedback.list({ runId: 'r2' })).map((f) => f.id)).toEqual([up.id]);

        const fixed = 'SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL';
        const accepted = await store.feedback.review(down.id, {
          state: 'accepted',
          at: 3000,
          correctedSql: fixed,
          example: {
            warehouse: '/data/warehouse.sqlite',
            question: down.question,
            sql: fixed,
            feedbackId: down.id,
          },
        });
        expect(accepted!.example).toMatchObject({
          sql: fixed,
          feedbackId: down.id,
          createdAt: 3000,
          verifiedAt: 3000,
        });
        expect(accepted!.feedback).toMatchObject({
          state: 'accepted',
          reviewedAt: 3000,
          correctedSql: fixed,
          exampleId: accepted!.example!.id,
        });
        expect(await store.examples.get(accepted!.example!.id)).toEqual(accepted!.example);

        const rejected = await store.feedback.review(up.id, { state: 'rejected', at: 4000 });
        expect(rejected).toEqual({ feedback: { ...up, state: 'rejected', reviewedAt: 4000 }, example: null });
        expect(await store.feedback.list({ state: 'pending' })).toEqual([]);
        expect(await store.feedback.review('fb_none', { state: 'rejected', at: 5000 })).toBeNull();
      });

      it('refuses a second review and writes nothing for it', async () => {
        const feedback = await store.feedback.insert(draft('r1'));
        await store.feedback.review(feedback.id, { state: 'rejected', at: 1000 });
        await expect(
          store.feedback.review(feedback.id, {
            state: 'accepted',
            at: 2000,
            example: { warehouse: 'w', question: 'q', sql: 'SELECT 1', feedbackId: feedback.id },
          }),
        ).rejects.toMatchObject({ code: 'FEEDBACK_ALREADY_REVIEWED' });
        expect(await store.examples.list()).toEqual([]);
        expect((await store.feedback.get(feedback.id))!.state).toBe('rejected');
      });

      it('lists examples by warehouse and deletes them, unlinking their feedback', async () => {
        const a = await store.examples.insert(
          { warehouse: 'connection:sales', question: 'q1', sql: 'SELECT 1', feedbackId: null },
          10,
        );
        const b = await store.examples.insert(
          { warehouse: '/w.sqlite', question: 'q2', sql: 'SELECT 2', feedbackId: null },
          20,
        );
        expect((await store.examples.list()).map((e) => e.id)).toEqual([a.id, b.id]);
        expect(await store.examples.list({ warehouse: 'connection:sales' })).toEqual([a]);

        const feedback = await store.feedback.insert(draft('r1', { rating: 'up' }));
        const { example } = (await store.feedback.review(feedback.id, {
          state: 'accepted',
          at: 30,
          example: { warehouse: '/w.sqlite', question: 'q3', sql: 'SELECT 3', feedbackId: feedback.id },
        }))!;
        expect(await store.examples.delete(example!.id)).toBe(true);
        expect(await store.examples.delete(example!.id)).toBe(false);
        expect((await store.feedback.get(feedback.id))!.exampleId).toBeNull();
        expect((await store.examples.list()).map((e) => e.id)).toEqual([a.id, b.id]);
      });
    });
  });
}
