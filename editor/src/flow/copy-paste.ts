// Copy and paste of a selection: the nodes and the edges between them, pasted under fresh ids and
// offset so the copy does not hide the original. Pure, so undo and tests see plain data.
import type { FlowDraft } from './canvas-types.ts';
import { uniqueId } from './unique-id.ts';

export interface Clipboard {
  nodes: FlowDraft['nodes'];
  edges: FlowDraft['edges'];
}

const PASTE_OFFSET = 40;

export function copySelection(draft: FlowDraft, selected: ReadonlySet<string>): Clipboard {
  return {
    nodes: draft.nodes.filter((node) => selected.has(node.id)),
    edges: draft.edges.filter((edge) => selected.has(edge.from.node) && selected.has(edge.to.node)),
  };
}

/** The clipboard's nodes and edges renamed so they fit into `draft`; `ids` lists the new node ids. */
export function pasteClipboard(draft: FlowDraft, clipboard: Clipboard): Clipboard & { ids: string[] } {
  const nodeIds = new Set(draft.nodes.map((node) => node.id));
  const edgeIds = new Set(draft.edges.map((edge) => edge.id));
  const renamed = new Map<string, string>();
  const nodes = clipboard.nodes.map((node) => {
    const id = uniqueId(node.id.replace(/_\d+$/, ''), nodeIds);
    nodeIds.add(id);
    renamed.set(node.id, id);
    return {
      ...node,
      id,
      position: { x: node.position.x + PASTE_OFFSET, y: node.position.y + PASTE_OFFSET },
    };
  });
  const edges = clipboard.edges.map((edge) => {
    const from = { node: renamed.get(edge.from.node)!, port: edge.from.port };
    const to = { node: renamed.get(edge.to.node)!, port: edge.to.port };
    const id = uniqueId(`${from.port}-to-${to.node}`, edgeIds);
    edgeIds.add(id);
    return { id, from, to };
  });
  return { nodes, edges, ids: nodes.map((node) => node.id) };
}
