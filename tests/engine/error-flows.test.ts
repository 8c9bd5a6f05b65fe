// Error flows: a flow whose trigger is trigger.error runs when a run of a flow it watches fails,
// with the failed run as input, and never loops.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { silentLogger } from '../../engine/node-context.ts';
import { activeRunFromStored } from '../../engine/scheduler/active-run.ts';
import { ErrorFlows } from '../../engine/scheduler/error-flows.ts';
import { FlowVersions } from '../../engine/scheduler/resume-runs.ts';
import { resolveFlowOrThrow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { waitFor } from '../support/cli.ts';
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

const failing = (id: string) =>
  flowOf(
    { t: ['trigger.manual'], boom: ['test.step', { failTimes: 9, label: 'boom' }] },
    ['t.payload->boom.in'],
    id,
  );

/** An error flow: its trigger passes the failed run on to a step (what an alert would post). */
function errorFlow(id: string, flows: string[], failTimes = 0) {
  return flowOf(
    {
      caught: ['trigger.error', { flows }],
      alert: ['test.step', { label: 'alert', failTimes }],
    },
    ['caught.payload->alert.in'],
    id,
  );
}

/** Saves and publishes: error flows, like webhooks and schedules, run their published version. */
async function save(flow: ReturnType<typeof flowOf>) {
  const saved = await h.store.saveFlow(FlowDocumentSchema.parse(flow));
  return h.store.publishVersion(saved.flowId, saved.version, { by: null, note: null });
}

async function errorRunOf(errorFlowId: string, failedRunId: string) {
  let found: Awaited<ReturnType<Harness['store']['findRunByIdempotencyKey']>> = null;
  await waitFor(
    async () => {
      found = await h.store.findRunByIdempotencyKey(errorFlowId, `failed-run:${failedRunId}`);
      return found !== null;
    },
    20_000,
    `a run of ${errorFlowId}`,
  );
  return (await h.finished(found!.id))!;
}

/** What the orchestrator hands ErrorFlows when the stored run failed, with a startRun that only records. */
async function errorFlowsFor(runId: string) {
  const stored = (await h.store.getRun(runId))!;
  const version = (await h.store.getFlowVersion(stored.run.flowId, stored.run.flowVersion))!;
  const run = activeRunFromStored(
    stored.run,
    stored.nodes,
    resolveFlowOrThrow(version.document, createNodeRegistry(TEST_NODES)),
  );
  const requests: unknown[] = [];
  const errorFlows = new ErrorFlows({
    store: h.store,
    versions: new FlowVersions(h.store),
    startRun: async (request) => {
      requests.push(request);
      return { id: `run-${requests.length}` } as never;
    },
    logger: silentLogger,
  });
  return { run, errorFlows, requests };
}

describe('error flows', () => {
  it('a failed run starts the error flow watching it, with the run, node and error as input', async () => {
    await save(errorFlow('on-failure', ['orders']));
    const failedId = await h.run(failing('orders'));
    const failed = (await h.finished(failedId))!;
    expect(failed.run.status).toBe('failed');

    const errorRun = await errorRunOf('on-failure', failedId);
    expect(errorRun.run.status).toBe('succeeded');
    expect(errorRun.run.trigger).toEqual({ kind: 'error', detail: { runId: failedId, flowId: 'orders' } });
    const input = {
      runId: failedId,
      flowId: 'orders',
      flowVersion: 1,
      nodeId: 'boom',
      code: 'NODE_FAILED',
      message: 'node "boom" failed: boom failed on attempt 1',
    };
    expect(errorRun.run.input).toEqual(input);
    // What the alert step was handed, and so what an alert would send.
    expect(errorRun.run.output).toEqual({ out: { label: 'alert', in: input, other: null } });
  });

  it('"*" watches every flow; flows not watched, successes and handled failures start nothing', async () => {
    await save(errorFlow('watch-all', ['*']));
    await save(errorFlow('watch-other', ['some-other-flow']));
    const failedId = await h.run(failing('anything'));
    await errorRunOf('watch-all', failedId);
    expect(await h.store.findRunByIdempotencyKey('watch-other', `failed-run:${failedId}`)).toBeNull();

    const { errorFlows, run, requests } = await errorFlowsFor(failedId);
    expect(await errorFlows.runFailed(run)).toEqual(['run-1']);
    expect(requests).toMatchObject([{ flowId: 'watch-all' }]);
  });

  it('a disabled or never published error flow does not run', async () => {
    await save(errorFlow('quiet', ['*']));
    await h.store.setFlowEnabled('quiet', false);
    await h.store.saveFlow(FlowDocumentSchema.parse(errorFlow('unpublished', ['*'])));
    const failedId = await h.run(failing('orders'));
    await h.finished(failedId);
    const { errorFlows, run, requests } = await errorFlowsFor(failedId);
    expect(await errorFlows.runFailed(run)).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('an error flow that fails starts no error flow, itself included: no loop', async () => {
    // Both watch every flow; the first one's alert fails.
    await save(errorFlow('alert-a', ['*'], 9));
    await save(errorFlow('alert-b', ['*']));
    const failedId = await h.run(failing('orders'));
    const a = await errorRunOf('alert-a', failedId);
    const b = await errorRunOf('alert-b', failedId);
    expect(a.run.status).toBe('failed');
    expect(b.run.status).toBe('succeeded');

    // The failed error run is exactly what the orchestrator handed ErrorFlows: it starts nothing.
    const { errorFlows, run, requests } = await errorFlowsFor(a.run.id);
    expect(await errorFlows.runFailed(run)).toEqual([]);
    expect(requests).toEqual([]);
    // Only the two error runs of the first failure exist beside it.
    const runs = await h.store.listRuns();
    expect(runs.map((r) => r.flowId).sort()).toEqual(['alert-a', 'alert-b', 'orders']);
  });
});
