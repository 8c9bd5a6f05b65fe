// Deep flow documents are refused by validation (which save and /api/flows/validate share) with
// the JSON path, before zod recurses into them.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Lane } from '../../engine/define-node.ts';
import { defineNode } from '../../engine/define-node.ts';
import { Json } from '../../engine/ports.ts';
import { validateFlow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

describe('flow documents', () => {
  it('reports a deeply nested document as JSON_TOO_DEEP at its path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 300_000; i++) deep = { x: deep };
    const flow = flowOf({ t: ['trigger.manual'], s: ['test.step', { label: 'deep' }] }, ['t.payload->s.in']);
    (flow.nodes[1]!.params as Record<string, unknown>).extra = deep;
    const result = validateFlow(flow, createNodeRegistry(TEST_NODES));
    expect(result.ok).toBe(false);
    const issue = !result.ok ? result.issues[0]! : undefined;
    expect(issue).toMatchObject({
      code: 'JSON_TOO_DEEP',
      path: expect.stringMatching(/^nodes\[1\]\.params\.extra(\.x)+$/),
    });
  });
});

describe('lanes and deliveries', () => {
  const nodeOn = (lane: string) =>
    defineNode({
      type: 'test.lane',
      version: 1,
      title: 'Lane',
      family: 'control',
      lane: lane as Lane,
      params: z.object({}),
      inputs: {},
      outputs: { out: Json },
      async run({ ctx }) {
        return { out: { delivery: ctx.delivery, attempt: ctx.attempt } };
      },
    });

  it('refuses a node type on an unknown lane when it is registered', () => {
    expect(() => createNodeRegistry([nodeOn('gpu')])).toThrow(
      expect.objectContaining({ code: 'FLOW_UNKNOWN_LANE' }),
    );
  });

  let h: Harness | undefined;
  it('hands the inline node delivery 1', async () => {
    h = await createHarness({ nodes: [nodeOn('io')] });
    try {
      const id = await h.run(flowOf({ l: ['test.lane'] }, [], 'lane'));
      const stored = await h.finished(id);
      expect(stored!.nodes[0]!.output).toEqual({ out: { delivery: 1, attempt: 1 } });
    } finally {
      await h.close();
    }
  });
});
