// The orchestrator ignores results it is not waiting for: for a node that already finished, for
// an older attempt, or for another dispatch of the current attempt. Nothing downstream runs twice.
import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import { activeRunFromStored } from '../../engine/scheduler/active-run.ts';
import { advanceRun, applyResult } from '../../engine/scheduler/advance-run.ts';
import { Tick } from '../../engine/scheduler/tick.ts';
import type { RunRecord } from '../../engine/store/records.ts';
import type { JobResult } from '../../engine/transport.ts';
import { resolveFlowOrThrow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

const registry = createNodeRegistry(TEST_NODES);
const flow = resolveFlowOrThrow(
  FlowDocumentSchema.parse(
    flowOf({ t: ['trigger.manual'], a: ['test.step'], b: ['test.step'] }, ['t.payload->a.in', 'a.out->b.in']),
  ),
  registry,
);

function runningRun() {
  const record = {
    id: 'r1',
    flowId: 'f',
    flowVersion: 1,
    status: 'running',
    input: {},
    error: null,
  } as RunRecord;
  const run = activeRunFromStored(record, [], flow);
  const tick = new Tick(1);
  advanceRun(run, tick); // dispatches t
  applyResult(run, ok('t', 1, 'r1-t-1', 'payload'), tick);
  advanceRun(run, tick); // dispatches a
  return run;
}

function ok(nodeId: string, attempt: number, jobId: string, port = 'out'): JobResult {
  return {
    jobId,
    runId: 'r1',
    nodeId,
    attempt,
    outcome: { ok: true, outputs: { [port]: { from: jobId } } },
    startedAt: 1,
    finishedAt: 2,
  };
}

describe('stale results', () => {
  it('applies the current dispatch and then ignores a second delivery of it', () => {
    const run = runningRun();
    const first = new Tick(2);
    applyResult(run, ok('a', 1, 'r1-a-1'), first);
    advanceRun(run, first);
    expect(first.jobs.map((j) => j.nodeId)).toEqual(['b']);
    const again = new Tick(3);
    expect(applyResult(run, ok('a', 1, 'r1-a-1'), again)).toBeNull();
    advanceRun(run, again);
    expect(again.jobs).toEqual([]);
    expect(again.allChanges()).toEqual([]);
    expect(run.nodes.get('a')!.outputs).toEqual({ out: { from: 'r1-a-1' } });
  });

  it('ignores a result from an older attempt', () => {
    const run = runningRun();
    const tick = new Tick(2);
    applyResult(run, ok('a', 0, 'r1-a-0'), tick);
    advanceRun(run, tick);
    expect(run.nodes.get('a')!.status).toBe('running');
    expect(tick.jobs).toEqual([]);
    expect(tick.allChanges()).toEqual([]);
  });

  it('ignores a result whose dispatch id is not the one in flight', () => {
    const run = runningRun();
    const tick = new Tick(2);
    applyResult(run, ok('a', 1, 'r1-a-1-old'), tick);
    advanceRun(run, tick);
    expect(run.nodes.get('a')!.status).toBe('running');
    expect(tick.jobs).toEqual([]);
  });
});
