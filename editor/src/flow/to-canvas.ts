// Converts between the flow document and the canvas's nodes and edges. Canvas-only state
// (selection, measured size) never reaches the document.
import type { CanvasEdge, CanvasNode, FlowDraft, FlowMeta } from './canvas-types.ts';

export function draftToCanvas(
  draft: FlowDraft,
  previous: readonly CanvasNode[] = [],
): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  // Keep what the canvas measured: @xyflow/react hides nodes it has no size for.
  const measured = new Map(previous.map((node) => [node.id, node.measured]));
  const nodes = draft.nodes.map((node): CanvasNode => {
    const size = measured.get(node.id);
    return {
      id: node.id,
      type: 'flow',
      position: { ...node.position },
      data: {
        type: node.type,
        ...(node.name === undefined ? {} : { name: node.name }),
        params: node.params,
        options: node.options,
      },
      ...(size ? { measured: size } : {}),
    };
  });
  return { nodes, edges: draft.edges.map(edgeToCanvas) };
}

function edgeToCanvas(edge: FlowDraft['edges'][number]): CanvasEdge {
  return {
    id: edge.id,
    source: edge.from.node,
    sourceHandle: edge.from.port,
    target: edge.to.node,
    targetHandle: edge.to.port,
  };
}

export function canvasToDraft(
  meta: FlowMeta,
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
): FlowDraft {
  return {
    id: meta.id,
    name: meta.name,
    ...(meta.description === undefined ? {} : { description: meta.description }),
    ...(meta.project === undefined ? {} : { project: meta.project }),
    ...(meta.testSet === undefined ? {} : { testSet: meta.testSet }),
    ...(meta.retention === undefined ? {} : { retention: meta.retention }),
    nodes: nodes.map((node) => ({
      id: node.id,
      type: node.data.type,
      ...(node.data.name === undefined ? {} : { name: node.data.name }),
      params: node.data.params,
      options: node.data.options,
      position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    })),
    edges: edges.map((edge) => ({
      id: edge.id,
      from: { node: edge.source, port: edge.sourceHandle ?? '' },
      to: { node: edge.target, port: edge.targetHandle ?? '' },
    })),
  };
}
