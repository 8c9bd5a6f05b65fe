// Lays out the open draft: node sizes as the canvas measured them (estimated from the port count
// for nodes not drawn yet), ports in drawn order. Timed with the User Timing API so the editor
// benchmark can read how long layout took.
import type { NodePorts } from '../api/api-types.ts';
import type { FlowDraft } from './canvas-types.ts';
import { workerLayoutEngine } from './elk-worker-engine.ts';
import { layoutFlow, type Positions } from './layout-flow.ts';

/** The User Timing measure bench/editor.ts reads. */
const LAYOUT_MEASURE = 'r1flow:layout';

// The drawn node (flow-node.tsx, canvas.css): fixed width, a header, one row per port.
const NODE_WIDTH = 210;
const HEADER_HEIGHT = 44;
const PORT_ROW_HEIGHT = 20;

export async function layoutDraft(
  draft: FlowDraft,
  portsOf: (nodeId: string, type: string) => NodePorts | undefined,
  measured: ReadonlyMap<string, { width?: number | undefined; height?: number | undefined } | undefined>,
): Promise<Positions> {
  const started = performance.now();
  const positions = await layoutFlow(
    draft.nodes.map((node) => {
      const ports = portsOf(node.id, node.type);
      const size = measured.get(node.id);
      const estimate = estimatedNodeSize(ports);
      return {
        id: node.id,
        width: size?.width ?? estimate.width,
        height: size?.height ?? estimate.height,
        inputs: ports?.inputs.map((port) => port.name) ?? [],
        outputs: ports?.outputs.map((port) => port.name) ?? [],
      };
    }),
    draft.edges.map((edge) => ({
      source: edge.from.node,
      target: edge.to.node,
      sourcePort: edge.from.port,
      targetPort: edge.to.port,
    })),
    workerLayoutEngine(),
  );
  performance.measure(LAYOUT_MEASURE, { start: started, detail: { nodes: draft.nodes.length } });
  return positions;
}

/** A node's size before the canvas has drawn it: fixed width, a header and a row per port. */
export function estimatedNodeSize(ports: NodePorts | undefined): { width: number; height: number } {
  const rows = (ports?.inputs.length ?? 0) + (ports?.outputs.length ?? 0);
  return { width: NODE_WIDTH, height: HEADER_HEIGHT + 8 + rows * PORT_ROW_HEIGHT };
}

export function withPositions(draft: FlowDraft, positions: Positions): FlowDraft {
  return {
    ...draft,
    nodes: draft.nodes.map((node) => ({ ...node, position: positions[node.id] ?? node.position })),
  };
}
