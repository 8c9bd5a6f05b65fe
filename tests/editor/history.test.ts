import { describe, expect, test } from 'vitest';
import type { FlowDraft } from '../../editor/src/flow/canvas-types.ts';
import { emptyHistory, recordStep, redoStep, undoStep } from '../../editor/src/state/history.ts';

const named = (name: string): FlowDraft => ({ id: 'f', name, nodes: [], edges: [] });

describe('undo history', () => {
  test('undo returns the draft before the change and redo brings the change back', () => {
    const history = recordStep(emptyHistory, named('one'), null, 0);
    const undone = undoStep(history, named('two'))!;
    expect(undone.draft.name).toBe('one');
    const redone = redoStep(undone.history, undone.draft)!;
    expect(redone.draft.name).toBe('two');
    expect(undoStep(emptyHistory, named('x'))).toBeNull();
  });

  test('quick edits with the same tag are one step; a pause or another tag starts a new one', () => {
    let history = recordStep(emptyHistory, named('a'), 'name', 0);
    history = recordStep(history, named('ab'), 'name', 500);
    expect(history.past.map((d) => d.name)).toEqual(['a']);
    history = recordStep(history, named('abc'), 'name', 5000);
    history = recordStep(history, named('abcd'), 'params:gen', 5100);
    expect(history.past.map((d) => d.name)).toEqual(['a', 'abc', 'abcd']);
  });

  test('a new change after an undo drops the redo steps', () => {
    const history = recordStep(emptyHistory, named('one'), null, 0);
    const undone = undoStep(history, named('two'))!;
    expect(recordStep(undone.history, named('one'), null, 10).future).toEqual([]);
  });
});
