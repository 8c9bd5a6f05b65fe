import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const flow = flowOf(
  {
    gen: ['test.step', { label: 'gen', cost: { tokensIn: 50 } }],
    next: ['test.step', { label: 'next' }],
  },
  ['gen.out->next.in'],
  'pinned-flow',
);

async function pinGen(output: Record<string, unknown>, nodeKey = 'test.step@1'): Promise<void> {
  await h.store.pins.put({
    flowId: 'pinned-flow',
    nodeId: 'gen',
    nodeKey,
    runId: 'run-earlier',
    output,
    pinnedAt: Date.now(),
  });
}

describe('pinned outputs', () => {
  it('a run asked to use pins takes the pinned output: the node does not run and costs nothing', async () => {
    await h.store.saveFlow(FlowDocumentSchema.parse(flow));
    await pinGen({ out: { label: 'from the pin' } });
    const id = await h.run(flow, {}, { usePins: true });
    const stored = (await h.finished(id))!;
    expect(stored.run.status).toBe('succeeded');
    const gen = stored.nodes.find((n) => n.nodeId === 'gen')!;
    expect(gen).toMatchObject({ status: 'succeeded', pinned: true, reused: false, attempt: 0, cost: null });
    const next = stored.nodes.find((n) => n.nodeId === 'next')!;
    expect(next.input).toEqual({ in: { label: 'from the pin' } });
    expect(stored.run.cost).toBeNull();
    const events = await h.store.readEvents({ runId: id });
    expect(events.some((e) => e.type === 'node.running' && e.nodeId === 'gen')).toBe(false);
  });

  it('a run not asked to (webhooks, schedules, the API by default) runs the node', async () => {
    await pinGen({ out: { label: 'from the pin' } });
    const id = await h.run(flow, {}, { trigger: { kind: 'webhook' } });
    const stored = (await h.finished(id))!;
    const gen = stored.nodes.find((n) => n.nodeId === 'gen')!;
    expect(gen.pinned).toBe(false);
    expect(gen.output).toEqual({ out: { label: 'gen', in: null, other: null } });
    expect(stored.run.cost?.tokensIn).toBe(50);
  });

  it('a pin made for another node type is not used', async () => {
    await pinGen({ out: 'old' }, 'test.other@1');
    const id = await h.run(flow, {}, { usePins: true });
    const gen = (await h.finished(id))!.nodes.find((n) => n.nodeId === 'gen')!;
    expect(gen.pinned).toBe(false);
    expect(gen.attempt).toBe(1);
  });

  it('a re-run from a node keeps reusing upstream outputs and takes pins downstream', async () => {
    const three = flowOf(
      {
        a: ['test.step', { label: 'a' }],
        gen: ['test.step', { label: 'gen' }],
        c: ['test.step', { label: 'c' }],
      },
      ['a.out->gen.in', 'gen.out->c.in'],
      'pinned-flow',
    );
    const first = await h.run(three);
    await h.finished(first);
    await pinGen({ out: { label: 'pinned gen' } });
    const saved = await h.store.getFlowVersion('pinned-flow');
    const again = await h.orchestrator.startRun({
      flowId: 'pinned-flow',
      version: saved!.version,
      rerun: { runId: first, fromNode: 'gen' },
      usePins: true,
    });
    const stored = (await h.finished(again.id))!;
    const flags = Object.fromEntries(stored.nodes.map((n) => [n.nodeId, [n.reused, n.pinned]]));
    expect(flags).toEqual({ a: [true, false], gen: [false, true], c: [false, false] });
    expect(stored.nodes.find((n) => n.nodeId === 'c')!.input).toEqual({ in: { label: 'pinned gen' } });
  });
});
