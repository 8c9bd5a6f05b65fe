// A flow's run retention survives the editor: an imported file keeps it in the draft, canvas
// edits keep it, and a bad one is refused naming the field.
import { describe, expect, test } from 'vitest';
import { parseImportedFlow } from '../../editor/src/flow/parse-imported-flow.ts';
import { canvasToDraft, draftToCanvas } from '../../editor/src/flow/to-canvas.ts';

const KNOWN = new Set(['trigger.manual@1']);
const flow = {
  id: 'kept',
  name: 'Kept',
  retention: { days: 3, failedDays: 90 },
  nodes: [{ id: 'start', type: 'trigger.manual@1', params: {}, position: { x: 0, y: 0 } }],
  edges: [],
};

describe('flow retention in the editor', () => {
  test('an imported flow keeps its retention through canvas edits', () => {
    const result = parseImportedFlow(JSON.stringify(flow), 'kept.flow.json', KNOWN);
    if (!result.ok) throw new Error(result.message);
    expect(result.draft.retention).toEqual({ days: 3, failedDays: 90 });
    const { nodes, edges } = draftToCanvas(result.draft);
    const { nodes: _nodes, edges: _edges, ...meta } = result.draft;
    expect(canvasToDraft(meta, nodes, edges).retention).toEqual({ days: 3, failedDays: 90 });
  });

  test('a retention that is not a whole number of days is refused, naming it', () => {
    const bad = { ...flow, retention: { days: 1.5 } };
    const result = parseImportedFlow(JSON.stringify(bad), 'bad.json', KNOWN);
    expect(!result.ok && result.message).toContain('retention.days: must be a whole number of days');
  });
});
