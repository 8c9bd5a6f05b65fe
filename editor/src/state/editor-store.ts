// The open flow: its nodes and edges as the canvas holds them, its name, undo history and what the
// server last saved. Edits (editor-edits.ts) go through changeDraft, which records an undo step.
// Like the other editor stores it is a zustand store: components read a slice with
// useStore(store, selector) and re-render only when that slice changes, so dragging one of 200
// nodes does not re-render the side panels. setState merges a partial state into the current one.

import { createStore } from 'zustand/vanilla';
import type { CanvasEdge, CanvasNode, FlowDraft, FlowMeta } from '../flow/canvas-types.ts';
import { canvasToDraft, draftToCanvas } from '../flow/to-canvas.ts';
import { emptyHistory, type History, recordStep, redoStep, undoStep } from './history.ts';

export interface EditorState {
  meta: FlowMeta | null;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** The latest version on the server; null for a flow never saved. */
  serverVersion: number | null;
  /** The draft as last loaded or saved; the flow is dirty when it differs. */
  cleanKey: string;
  history: History;
  /** Bumped when the whole view should be refitted: a flow opened, laid out or restored. */
  fitRequest: number;
  /** Bumped on every click on a node, so the side panel shows it even when it was already selected. */
  inspectRequest: number;
}

export const editorStore = createStore<EditorState>()(() => ({
  meta: null,
  nodes: [],
  edges: [],
  serverVersion: null,
  cleanKey: '',
  history: emptyHistory,
  fitRequest: 0,
  inspectRequest: 0,
}));

let memo: { meta: FlowMeta; nodes: CanvasNode[]; edges: CanvasEdge[]; draft: FlowDraft } | null = null;

/** The open flow as a document (cached per change, so selectors may call it freely). */
export function selectDraft(state: EditorState): FlowDraft | null {
  if (!state.meta) return null;
  if (memo && memo.meta === state.meta && memo.nodes === state.nodes && memo.edges === state.edges)
    return memo.draft;
  const draft = canvasToDraft(state.meta, state.nodes, state.edges);
  memo = { meta: state.meta, nodes: state.nodes, edges: state.edges, draft };
  return draft;
}

export function draftKey(draft: FlowDraft | null): string {
  return draft ? JSON.stringify(draft) : '';
}

let dirtyMemo: { draft: FlowDraft; cleanKey: string; dirty: boolean } | null = null;

/** Whether the open flow differs from what the server has (cached per draft: drags call it often). */
export function selectDirty(state: EditorState): boolean {
  const draft = selectDraft(state);
  if (!draft) return false;
  if (dirtyMemo?.draft !== draft || dirtyMemo.cleanKey !== state.cleanKey) {
    dirtyMemo = { draft, cleanKey: state.cleanKey, dirty: draftKey(draft) !== state.cleanKey };
  }
  return dirtyMemo.dirty;
}

/**
 * Opens a draft. `clean` is what the server holds (defaults to the draft itself); null when that is
 * unknown or nothing, so the draft counts as unsaved.
 */
export function openDraft(
  draft: FlowDraft,
  serverVersion: number | null,
  clean: FlowDraft | null = draft,
): void {
  const { nodes, edges } = draftToCanvas(draft);
  editorStore.setState({
    meta: metaOf(draft),
    nodes,
    edges,
    serverVersion,
    cleanKey: draftKey(clean),
    history: emptyHistory,
    fitRequest: editorStore.getState().fitRequest + 1,
  });
}

export function closeFlow(): void {
  editorStore.setState({
    meta: null,
    nodes: [],
    edges: [],
    serverVersion: null,
    cleanKey: '',
  });
}

export function markSaved(version: number | null): void {
  const state = editorStore.getState();
  editorStore.setState({ serverVersion: version, cleanKey: draftKey(selectDraft(state)) });
}

/** Replaces the whole draft as one undoable step (a restored version), and refits the view. */
export function replaceDraft(draft: FlowDraft): void {
  changeDraft(null, (state) => ({
    meta: metaOf(draft),
    ...draftToCanvas(draft, state.nodes),
    fitRequest: state.fitRequest + 1,
  }));
}

export function undo(): void {
  travel(undoStep);
}

export function redo(): void {
  travel(redoStep);
}

function travel(step: typeof undoStep): void {
  const state = editorStore.getState();
  const current = selectDraft(state);
  if (!current) return;
  const result = step(state.history, current);
  if (!result) return;
  editorStore.setState({
    meta: metaOf(result.draft),
    ...draftToCanvas(result.draft, state.nodes),
    history: result.history,
  });
}

/** Applies `update`, recording the draft before it as an undo step; `tag` merges quick edits. */
export function changeDraft(tag: string | null, update: (state: EditorState) => Partial<EditorState>): void {
  const state = editorStore.getState();
  const before = selectDraft(state);
  if (!before) return;
  editorStore.setState({ ...update(state), history: recordStep(state.history, before, tag, Date.now()) });
}

function metaOf(draft: FlowDraft): FlowMeta {
  return {
    id: draft.id,
    name: draft.name,
    ...(draft.description === undefined ? {} : { description: draft.description }),
    ...(draft.project === undefined ? {} : { project: draft.project }),
    ...(draft.testSet === undefined ? {} : { testSet: draft.testSet }),
    ...(draft.retention === undefined ? {} : { retention: draft.retention }),
  };
}

/** A click on a node: the side panel brings the node's tab forward. */
export function requestInspect(): void {
  editorStore.setState((state) => ({ inspectRequest: state.inspectRequest + 1 }));
}
