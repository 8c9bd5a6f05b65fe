import { describe, expect, test } from 'vitest';
import { indexIssues } from '../../editor/src/flow/index-issues.ts';

const draft = {
  nodes: [
    { id: 'start', type: 'trigger.manual@1', params: {}, options: {}, position: { x: 0, y: 0 } },
    { id: 'gen', type: 'llm.generate@1', params: {}, options: {}, position: { x: 0, y: 0 } },
  ],
  edges: [{ id: 'e1', from: { node: 'start', port: 'question' }, to: { node: 'gen', port: 'question' } }],
};

describe('indexIssues', () => {
  test('a param issue lands on its node and field, without the node-id prefix', () => {
    const index = indexIssues(
      [
        {
          code: 'FLOW_BAD_PARAMS',
          path: 'nodes[1].params.n',
          nodeId: 'gen',
          message: 'gen: Too small: expected number to be >=1',
        },
      ],
      draft,
    );
    expect(index.byNode.get('gen')).toEqual([
      { code: 'FLOW_BAD_PARAMS', message: 'Too small: expected number to be >=1', field: 'params.n' },
    ]);
    expect(index.flow).toEqual([]);
  });

  test('issues without a node id find their node by index, edges by their target', () => {
    const index = indexIssues(
      [
        { code: 'FLOW_SCHEMA_INVALID', path: 'nodes[0].id', message: 'bad id' },
        { code: 'FLOW_EDGE_MISSING_NODE', path: 'edges[0].from.node', message: 'no such node' },
        { code: 'FLOW_SCHEMA_INVALID', path: 'name', message: 'name is required' },
      ],
      draft,
    );
    expect(index.byNode.get('start')).toEqual([
      { code: 'FLOW_SCHEMA_INVALID', message: 'bad id', field: 'id' },
    ]);
    expect(index.byNode.get('gen')).toEqual([{ code: 'FLOW_EDGE_MISSING_NODE', message: 'no such node' }]);
    expect(index.flow.map((issue) => issue.path)).toEqual(['name']);
  });
});
