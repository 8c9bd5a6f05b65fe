// Auto-layout: elkjs's layered algorithm, left to right, as a pure async function of nodes and
// edges (xyflow's own recipe). Ports are passed in their drawn order so ELK untangles edges the way
// they are drawn. The engine is injectable: the editor runs ELK in a Web Worker, tests and Node use
// the bundled in-thread build.
import type { ElkExtendedEdge, ElkNode, ElkPort, LayoutOptions } from 'elkjs/lib/elk-api.js';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Input port names, top to bottom. */
  inputs?: readonly string[];
  /** Output port names, top to bottom. */
  outputs?: readonly string[];
}

export interface LayoutEdge {
  source: string;
  target: string;
  sourcePort?: string | null | undefined;
  targetPort?: string | null | undefined;
}

export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export type Positions = Record<string, { x: number; y: number }>;

const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.componentComponent': '60',
  // Keep the document's order where the algorithm is free to choose: stable, predictable layouts.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // xyflow draws its own edges; ELK's routing only has to be cheap.
  'elk.edgeRouting': 'POLYLINE',
};

/** Large graphs trade a little crossing minimisation for speed (a 200-node flow must stay < 1 s). */
const LARGE_GRAPH_OPTIONS: LayoutOptions = {
  'elk.layered.thoroughness': '1',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
};
const LARGE_GRAPH_NODES = 80;

let bundledEngine: Promise<LayoutEngine> | undefined;

/** ELK's in-thread build, loaded on first use. */
function defaultEngine(): Promise<LayoutEngine> {
  // The file is CommonJS: at run time its default export is the constructor itself, whatever its
  // typings say about an ES module's default.
  bundledEngine ??= import('elkjs/lib/elk.bundled.js').then((module) => {
    const ELK = (module as unknown as { default: new () => LayoutEngine }).default;
    return new ELK();
  });
  return bundledEngine;
}

export async function layoutFlow(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  engine?: LayoutEngine,
): Promise<Positions> {
  if (nodes.length === 0) return {};
  const known = new Map(nodes.map((node) => [node.id, node]));
  // Only connected ports matter to the layout; leaving the others out makes ELK's work smaller.
  const connected = new Set(
    edges.flatMap((edge) => [
      portId(edge.source, 'out', edge.sourcePort ?? ''),
      portId(edge.target, 'in', edge.targetPort ?? ''),
    ]),
  );
  const graph: ElkNode = {
    id: 'root',
    layoutOptions:
      nodes.length > LARGE_GRAPH_NODES ? { ...LAYOUT_OPTIONS, ...LARGE_GRAPH_OPTIONS } : LAYOUT_OPTIONS,
    children: nodes.map((node) => elkNode(node, connected)),
    edges: edges
      .filter((edge) => known.has(edge.source) && known.has(edge.target) && edge.source !== edge.target)
      .map((edge, index) => elkEdge(edge, index, known)),
  };
  const result = await (engine ?? (await defaultEngine())).layout(graph);
  const positions: Positions = {};
  for (const child of result.children ?? []) {
    positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  }
  return positions;
}

function elkNode(node: LayoutNode, connected: ReadonlySet<string>): ElkNode {
  const inputs = (node.inputs ?? []).filter((port) => connected.has(portId(node.id, 'in', port)));
  const outputs = (node.outputs ?? []).filter((port) => connected.has(portId(node.id, 'out', port)));
  // ELK orders ports clockwise from the top-left corner: east side top to bottom, west side
  // bottom to top.
  const ports: ElkPort[] = [
    ...outputs.map((port, index) => portOf(node.id, 'out', port, 'EAST', index)),
    ...inputs.map((port, index) =>
      portOf(node.id, 'in', port, 'WEST', outputs.length + inputs.length - 1 - index),
    ),
  ];
  return {
    id: node.id,
    width: node.width,
    height: node.height,
    ports,
    layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
  };
}

function portOf(nodeId: string, side: 'in' | 'out', port: string, elkSide: string, index: number): ElkPort {
  return {
    id: portId(nodeId, side, port),
    width: 8,
    height: 8,
    layoutOptions: { 'elk.port.side': elkSide, 'elk.port.index': String(index) },
  };
}

function portId(nodeId: string, side: 'in' | 'out', port: string): string {
  return `${nodeId}\u0000${side}\u0000${port}`;
}

function elkEdge(edge: LayoutEdge, index: number, known: Map<string, LayoutNode>): ElkExtendedEdge {
  const sourcePort = edge.sourcePort && known.get(edge.source)?.outputs?.includes(edge.sourcePort);
  const targetPort = edge.targetPort && known.get(edge.target)?.inputs?.includes(edge.targetPort);
  return {
    id: `e${index}`,
    sources: [sourcePort ? portId(edge.source, 'out', edge.sourcePort!) : edge.source],
    targets: [targetPort ? portId(edge.target, 'in', edge.targetPort!) : edge.target],
  };
}
