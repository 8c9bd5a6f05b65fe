// Edits of the open flow, as the canvas, the inspector and the keyboard make them. Each is one
// undo step (quick edits of one field share a step).
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import type { CanvasEdge, CanvasNode, FlowDataPatch, FlowMeta } from '../flow/canvas-types.ts';
import type { Clipboard } from '../flow/copy-paste.ts';
import type { Positions } from '../flow/layout-flow.ts';
import { draftToCanvas } from '../flow/to-canvas.ts';
import { nodeIdBase, uniqueId } from '../flow/unique-id.ts';
import { catalogStore } from './catalog-store.ts';
import { changeDraft, type EditorState, editorStore } from './editor-store.ts';

export function onNodesChange(changes: NodeChange<CanvasNode>[]): void {
  const removes = changes.some((c) => c.type === 'remove');
  const apply = (state: EditorState) => ({ nodes: applyNodeChanges(changes, state.nodes) });
  if (removes) changeDraft(removalTag(), apply);
  else editorStore.setState(apply);
}

export function onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void {
  const removes = changes.some((c) => c.type === 'remove');
  const apply = (state: EditorState) => ({ edges: applyEdgeChanges(changes, state.edges) });
  if (removes) changeDraft(removalTag(), apply);
  else editorStore.setState(apply);
}

let currentRemoval: string | null = null;
let removals = 0;

/**
 * Deleting nodes arrives as an edge change and a node change in the same task; one tag for the
 * task makes them one undo step.
 */
function removalTag(): string {
  if (currentRemoval === null) {
    currentRemoval = `remove:${++removals}`;
    setTimeout(() => {
      currentRemoval = null;
    }, 0);
  }
  return currentRemoval;
}

/** Called when a drag starts: the positions before it are the undo step. */
export function beginMove(): void {
  changeDraft(null, (state) => state);
}

export function addNode(type: string, position: { x: number; y: number }): string {
  let id = '';
  changeDraft(null, (state) => {
    id = uniqueId(nodeIdBase(type), new Set(state.nodes.map((n) => n.id)));
    const node: CanvasNode = {
      id,
      type: 'flow',
      position,
      selected: true,
      // A new trigger already asks for a question, so the flow can be run straight away.
      data: {
        type,
        params: structuredClone(catalogStore.getState().byKey.get(type)?.starterParams ?? {}),
        options: {},
      },
    };
    return { nodes: [...state.nodes.map(unselect), node] };
  });
  return id;
}

export function connect(connection: Connection): void {
  changeDraft(null, (state) => {
    const id = uniqueId(
      `${connection.sourceHandle ?? 'out'}-to-${connection.target}`,
      new Set(state.edges.map((e) => e.id)),
    );
    return { edges: [...state.edges, { id, ...connection }] };
  });
}

/** Edits a node's params, options or display name; `tag` merges quick edits of one field. */
export function updateNode(id: string, patch: FlowDataPatch, tag: string): void {
  changeDraft(tag, (state) => ({
    nodes: state.nodes.map((node) =>
      node.id === id ? { ...node, data: applyPatch(node.data, patch) } : node,
    ),
  }));
}

/** Gives a node a new id and re-points its edges. */
export function renameNode(id: string, next: string): void {
  changeDraft(null, (state) => ({
    nodes: state.nodes.map((node) => (node.id === id ? { ...node, id: next } : node)),
    edges: state.edges.map((edge) => ({
      ...edge,
      source: edge.source === id ? next : edge.source,
      target: edge.target === id ? next : edge.target,
    })),
  }));
}

/** Renames the flow or edits its description; an empty description removes it. */
export function setMeta(patch: Partial<Omit<FlowMeta, 'id'>>, tag: string): void {
  changeDraft(tag, (state) => {
    if (!state.meta) return state;
    const meta = { ...state.meta, ...patch };
    if (meta.description === '') delete meta.description;
    return { meta };
  });
}

/** Moves nodes (auto-layout) as one undoable step, and refits the view. */
export function setPositions(positions: Positions): void {
  changeDraft(null, (state) => ({
    fitRequest: state.fitRequest + 1,
    nodes: state.nodes.map((node) => {
      const position = positions[node.id];
      return position ? { ...node, position } : node;
    }),
  }));
}

export function selectAll(): void {
  editorStore.setState((state) => ({
    nodes: state.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
  }));
}

export function selectNode(id: string): void {
  editorStore.setState((state) => ({
    nodes: state.nodes.map((n) => (n.id === id ? { ...n, selected: true } : unselect(n))),
  }));
}

/** Adds pasted nodes and edges (already renamed) and selects them. */
export function insertClipboard(pasted: Clipboard): void {
  changeDraft(null, (state) => {
    const { nodes, edges } = draftToCanvas({ id: '', name: '', nodes: pasted.nodes, edges: pasted.edges });
    return {
      nodes: [...state.nodes.map(unselect), ...nodes.map((n) => ({ ...n, selected: true }))],
      edges: [...state.edges, ...edges],
    };
  });
}

function applyPatch(data: CanvasNode['data'], patch: FlowDataPatch): CanvasNode['data'] {
  const next = { ...data, ...patch };
  if (patch.name === '') delete next.name;
  return next;
}

function unselect(node: CanvasNode): CanvasNode {
  return node.selected ? { ...node, selected: false } : node;
}
