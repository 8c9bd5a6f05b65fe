// Undo and redo as a pure value: snapshots of the draft before each change. Quick edits of the
// same thing (typing in one field) share one step.
import type { FlowDraft } from '../flow/canvas-types.ts';

export interface History {
  past: FlowDraft[];
  future: FlowDraft[];
  lastTag: string | null;
  lastAt: number;
}

const MAX_STEPS = 100;
const COALESCE_MS = 1500;

export const emptyHistory: History = { past: [], future: [], lastTag: null, lastAt: 0 };

/** Records `before` as an undo step, unless it continues the previous step with the same tag. */
export function recordStep(history: History, before: FlowDraft, tag: string | null, now: number): History {
  if (tag !== null && tag === history.lastTag && now - history.lastAt < COALESCE_MS) {
    return { ...history, future: [], lastAt: now };
  }
  return { past: [...history.past, before].slice(-MAX_STEPS), future: [], lastTag: tag, lastAt: now };
}

export function undoStep(
  history: History,
  current: FlowDraft,
): { history: History; draft: FlowDraft } | null {
  const draft = history.past.at(-1);
  if (!draft) return null;
  return {
    draft,
    history: {
      past: history.past.slice(0, -1),
      future: [current, ...history.future],
      lastTag: null,
      lastAt: 0,
    },
  };
}

export function redoStep(
  history: History,
  current: FlowDraft,
): { history: History; draft: FlowDraft } | null {
  const draft = history.future[0];
  if (!draft) return null;
  return {
    draft,
    history: { past: [...history.past, current], future: history.future.slice(1), lastTag: null, lastAt: 0 },
  };
}
