import { describe, expect, test } from 'vitest';
import type { FlowDraft } from '../../editor/src/flow/canvas-types.ts';
import { copySelection, pasteClipboard } from '../../editor/src/flow/copy-paste.ts';

const draft: FlowDraft = {
  id: 'f',
  name: 'F',
  nodes: [
    { id: 'vote', type: 'sql.vote@1', params: {}, options: {}, position: { x: 0, y: 0 } },
    {
      id: 'answer',
      type: 'output.answer@1',
      params: { maxRows: 5 },
      options: {},
      position: { x: 300, y: 0 },
    },
    { id: 'other', type: 'output.answer@1', params: {}, options: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'sql-to-answer', from: { node: 'vote', port: 'sql' }, to: { node: 'answer', port: 'sql' } },
    { id: 'sql-to-other', from: { node: 'vote', port: 'sql' }, to: { node: 'other', port: 'sql' } },
  ],
};

describe('copy and paste', () => {
  test('copying keeps only the edges between selected nodes', () => {
    const clipboard = copySelection(draft, new Set(['vote', 'answer']));
    expect(clipboard.nodes.map((n) => n.id)).toEqual(['vote', 'answer']);
    expect(clipboard.edges.map((e) => e.id)).toEqual(['sql-to-answer']);
  });

  test('pasted nodes get free ids, keep their params, sit offset, and their edges follow the new ids', () => {
    const pasted = pasteClipboard(draft, copySelection(draft, new Set(['vote', 'answer'])));
    expect(pasted.ids).toEqual(['vote_2', 'answer_2']);
    expect(pasted.nodes[1]).toMatchObject({ params: { maxRows: 5 }, position: { x: 340, y: 40 } });
    expect(pasted.edges).toEqual([
      { id: 'sql-to-answer_2', from: { node: 'vote_2', port: 'sql' }, to: { node: 'answer_2', port: 'sql' } },
    ]);
  });
});
