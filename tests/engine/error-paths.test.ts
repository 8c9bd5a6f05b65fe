// A node's onError policy as the scheduler applies it: fail the run, continue with an error
// output, or follow the error port; and the older continueOnError spelling.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { activeRunFromStored } from '../../engine/scheduler/active-run.ts';
import { advanceRun } from '../../engine/scheduler/advance-run.ts';
import { emptyNodeRow } from '../../engine/scheduler/new-run.ts';
import { Tick } from '../../engine/scheduler/tick.ts';
import type { RunRecord } from '../../engine/store/records.ts';
import { resolveFlowOrThrow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function nodesOf(runId: string) {
  const stored = await h.finished(runId);
  return { run: stored!.run, byId: Object.fromEntries(stored!.nodes.map((n) => [n.nodeId, n])) };
}

/** trigger → work (test.step, failing `failTimes` attempts) → after; work.error → handler. */
function errorPortFlow(failTimes: number, retry?: { attempts: number; backoffMs: number }) {
  return flowOf(
    {
      t: ['trigger.manual'],
      work: [
        'test.step',
        { label: 'work', failTimes },
        { onError: 'errorPort', ...(retry ? { retry } : {}) },
      ],
      after: ['test.step', { label: 'after' }],
      handler: ['test.step', { label: 'handler' }],
    },
    ['t.payload->work.in', 'work.out->after.in', 'work.error->handler.in'],
  );
}

describe('onError', () => {
  it('fail (the default) fails the run and cancels what depends on the node', async () => {
    const { run, byId } = await nodesOf(
      await h.run(
        flowOf({ t: ['trigger.manual'], bad: ['test.step', { failTimes: 1 }], after: ['test.step'] }, [
          't.payload->bad.in',
          'bad.out->after.in',
        ]),
      ),
    );
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'bad' });
    expect(byId.after!.status).toBe('cancelled');
  });

  it('continue: the failed node emits its error output and the nodes after it run on it', async () => {
    const { run, byId } = await nodesOf(
      await h.run(
        flowOf(
          {
            t: ['trigger.manual'],
            bad: [
              'test.step',
              { failTimes: 1, label: 'bad' },
              { onError: 'continue', errorOutput: { out: { fallback: true } } },
            ],
            after: ['test.step', { label: 'after' }],
          },
          ['t.payload->bad.in', 'bad.out->after.in'],
        ),
      ),
    );
    expect(run.status).toBe('succeeded');
    expect(byId.bad).toMatchObject({ status: 'failed', output: { out: { fallback: true } } });
    expect(byId.bad!.error!.message).toContain('bad failed on attempt 1');
    expect(byId.after!.status).toBe('succeeded');
    expect(byId.after!.input).toEqual({ in: { fallback: true } });
    expect(run.output).toEqual({ out: { label: 'after', in: { fallback: true }, other: null } });
  });

  it('continue without an error output (and continueOnError, its older spelling) skips what needs the node', async () => {
    for (const options of [{ onError: 'continue' }, { continueOnError: true }]) {
      const { run, byId } = await nodesOf(
        await h.run(
          flowOf(
            { t: ['trigger.manual'], bad: ['test.step', { failTimes: 1 }, options], after: ['test.step'] },
            ['t.payload->bad.in', 'bad.out->after.in'],
          ),
        ),
      );
      expect(run.status).toBe('succeeded');
      expect(byId.bad!.status).toBe('failed');
      expect(byId.after!.status).toBe('skipped');
    }
  });

  it('errorPort: a failure runs the error branch with the error and skips the normal branch', async () => {
    const runId = await h.run(errorPortFlow(5, { attempts: 2, backoffMs: 10 }));
    const { run, byId } = await nodesOf(runId);
    expect(run.status).toBe('succeeded');
    expect(byId.work!.status).toBe('failed');
    expect(byId.after!.status).toBe('skipped');
    expect(byId.handler!.status).toBe('succeeded');
    expect(byId.handler!.input).toEqual({
      in: { nodeId: 'work', code: 'NODE_FAILED', message: 'work failed on attempt 2', attempt: 2 },
    });
    const failed = (await h.store.readEvents({ runId })).find((e) => e.type === 'node.failed');
    expect(failed).toMatchObject({ nodeId: 'work', data: { onError: 'errorPort', attempt: 2 } });
  });

  it('errorPort: a success skips the error branch', async () => {
    const { run, byId } = await nodesOf(await h.run(errorPortFlow(0)));
    expect(run.status).toBe('succeeded');
    expect(byId.work!.status).toBe('succeeded');
    expect(byId.work!.output).not.toHaveProperty('error');
    expect(byId.after!.status).toBe('succeeded');
    expect(byId.handler!.status).toBe('skipped');
  });

  it('errorPort: a node after the error branch fails the run as any node does', async () => {
    const flow = errorPortFlow(1);
    flow.nodes.find((n) => n.id === 'handler')!.params = { failTimes: 1, label: 'handler' };
    const { run, byId } = await nodesOf(await h.run(flow));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'handler' });
    expect(byId.work!.status).toBe('failed');
  });

  it('errorPort: a run resumed from its stored rows follows the error path the failed node left', () => {
    // As a restarted process finds the run: work failed (its error port emitted), nothing after it ran.
    const flow = resolveFlowOrThrow(
      FlowDocumentSchema.parse(errorPortFlow(1)),
      createNodeRegistry(TEST_NODES),
    );
    const error = { nodeId: 'work', code: 'NODE_FAILED', message: 'work failed on attempt 1', attempt: 1 };
    const rows = flow.order.map((id) => emptyNodeRow('r1', id, flow.nodes.get(id)!.definition.key));
    Object.assign(rows.find((row) => row.nodeId === 't')!, {
      status: 'succeeded',
      attempt: 1,
      output: { payload: {} },
    });
    Object.assign(rows.find((row) => row.nodeId === 'work')!, {
      status: 'failed',
      attempt: 1,
      output: { error },
    });
    const run = activeRunFromStored(
      { id: 'r1', flowId: 'f', flowVersion: 1, status: 'running', input: {}, error: null } as RunRecord,
      rows,
      flow,
    );
    const tick = new Tick(Date.now());
    advanceRun(run, tick);
    expect(tick.jobs.map((job) => [job.nodeId, job.inputs])).toEqual([['handler', { in: error }]]);
    expect(run.nodes.get('after')!.status).toBe('skipped');
  });
});
