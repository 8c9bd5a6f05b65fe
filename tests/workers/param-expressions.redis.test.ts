// Param expressions in queue mode: the orchestrator evaluates them before a job enters BullMQ, so
// a worker receives plain params and runs the node exactly as in inline mode.
import { describe, expect, it } from 'vitest';
import { flowOf } from '../support/engine-harness.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();

describe('param expressions in queue mode', () => {
  it('a worker runs a node whose params were computed from the input and an upstream output', async () => {
    const h = await env.harness();
    const id = await h.run(
      flowOf(
        {
          t: ['trigger.manual', { fields: [{ name: 'question' }] }],
          a: ['test.step', { label: 'first' }],
          b: ['test.step', { label: { $expr: '$node.a.out.label & ": " & $input.question' } }],
        },
        ['t.payload->a.in', 'a.out->b.in'],
      ),
      { question: 'How many?' },
    );
    const stored = await h.finished(id);
    expect(stored!.run.status).toBe('succeeded');
    expect(stored!.nodes.find((n) => n.nodeId === 'b')!.output).toMatchObject({
      out: { label: 'first: How many?' },
    });
  });
});
