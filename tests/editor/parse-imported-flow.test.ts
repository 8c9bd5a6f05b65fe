import { describe, expect, test } from 'vitest';
import { parseImportedFlow } from '../../editor/src/flow/parse-imported-flow.ts';

const KNOWN = new Set(['trigger.manual@1', 'output.answer@1']);
const flow = {
  id: 'hello',
  name: 'Hello',
  nodes: [
    { id: 'start', type: 'trigger.manual@1', params: {}, position: { x: 0, y: 0 } },
    { id: 'out', type: 'output.answer@1' },
  ],
  edges: [{ id: 'e1', from: { node: 'start', port: 'payload' }, to: { node: 'out', port: 'value' } }],
};

describe('parseImportedFlow', () => {
  test('a flow file opens as a draft; a node without a position asks for a layout', () => {
    const result = parseImportedFlow(JSON.stringify(flow), 'hello.flow.json', KNOWN);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.needsLayout).toBe(true);
    expect(result.draft.nodes.map((n) => [n.id, n.params, n.options])).toEqual([
      ['start', {}, {}],
      ['out', {}, {}],
    ]);
  });

  test('text that is not JSON is refused, naming the file and the parse error', () => {
    const result = parseImportedFlow('{"id": "x",', 'broken.json', KNOWN);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^broken\.json is not valid JSON: /);
  });

  test('JSON that is not a flow document is refused with the paths at fault', () => {
    const result = parseImportedFlow(JSON.stringify({ id: '1bad', nodes: [] }), 'x.json', KNOWN);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(
      'x.json is not an r1flow flow: id: must start with a letter',
    );
    expect(!result.ok && result.message).toContain('name:');
  });

  test('node types the server does not have are refused, each with its node', () => {
    const unknown = { ...flow, nodes: [...flow.nodes, { id: 'w', type: 'magic.wand@2' }] };
    const result = parseImportedFlow(JSON.stringify(unknown), 'magic.json', KNOWN);
    expect(result).toEqual({
      ok: false,
      message:
        'magic.json uses node types this server does not have: magic.wand@2 (node "w"). Install the plugin that provides them, or change the types.',
    });
  });
});
