import { describe, expect, test } from 'vitest';
import { type DiffableFlow, diffFlows, isEmptyDiff } from '../../editor/src/flow/diff-flows.ts';

const base: DiffableFlow = {
  name: 'Ask',
  nodes: [
    {
      id: 'start',
      type: 'trigger.manual@1',
      params: { fields: [{ name: 'question' }] },
      position: { x: 0, y: 0 },
    },
    { id: 'gen', type: 'llm.generate@1', params: { n: 8, temperature: 0.8 }, position: { x: 300, y: 0 } },
  ],
  edges: [{ from: { node: 'start', port: 'question' }, to: { node: 'gen', port: 'question' } }],
};

describe('diffFlows', () => {
  test('a flow compared with itself has no differences', () => {
    expect(isEmptyDiff(diffFlows(base, structuredClone(base)))).toBe(true);
  });

  test('changed params are listed leaf by leaf with old and new values', () => {
    const after = structuredClone(base);
    after.nodes[1]!.params = { n: 4, temperature: 0.8, topP: 0.9 };
    after.nodes[0]!.params = { fields: [{ name: 'question', type: 'string' }] };
    const diff = diffFlows(base, after);
    expect(diff.nodesChanged).toEqual([
      { id: 'start', changes: ['params.fields[0].type: (unset) → "string"'] },
      { id: 'gen', changes: ['params.n: 8 → 4', 'params.topP: (unset) → 0.9'] },
    ]);
  });

  test('added and removed nodes and edges are named by their ends, not their ids', () => {
    const after: DiffableFlow = {
      name: 'Ask better',
      nodes: [base.nodes[0]!, { id: 'out', type: 'output.answer@1', params: {} }],
      edges: [{ from: { node: 'start', port: 'question' }, to: { node: 'out', port: 'question' } }],
    };
    const diff = diffFlows(base, after);
    expect(diff.flow).toEqual(['name: "Ask" → "Ask better"']);
    expect(diff.nodesAdded).toEqual([{ id: 'out', type: 'output.answer@1' }]);
    expect(diff.nodesRemoved).toEqual([{ id: 'gen', type: 'llm.generate@1' }]);
    expect(diff.edgesAdded).toEqual(['start.question → out.question']);
    expect(diff.edgesRemoved).toEqual(['start.question → gen.question']);
  });

  test('moves are counted apart from real changes', () => {
    const after = structuredClone(base);
    after.nodes[1]!.position = { x: 320, y: 40 };
    const diff = diffFlows(base, after);
    expect(diff.nodesChanged).toEqual([]);
    expect(diff.nodesMoved).toEqual(['gen']);
  });
});
