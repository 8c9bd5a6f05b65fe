// What changed between two versions of a flow, in words: nodes added and removed, each changed
// node's params and options leaf by leaf, edges added and removed (by their ends, not their ids).
export interface DiffableFlow {
  name: string;
  description?: string | undefined;
  nodes: readonly {
    id: string;
    type: string;
    name?: string | undefined;
    params?: Record<string, unknown> | undefined;
    options?: Record<string, unknown> | undefined;
    position?: { x: number; y: number } | undefined;
  }[];
  edges: readonly { from: { node: string; port: string }; to: { node: string; port: string } }[];
}

export interface NodeChange {
  id: string;
  changes: string[];
}

export interface FlowDiff {
  flow: string[];
  nodesAdded: { id: string; type: string }[];
  nodesRemoved: { id: string; type: string }[];
  nodesChanged: NodeChange[];
  nodesMoved: string[];
  edgesAdded: string[];
  edgesRemoved: string[];
}

export function diffFlows(before: DiffableFlow, after: DiffableFlow): FlowDiff {
  const flow = [
    ...changedValue('name', before.name, after.name),
    ...changedValue('description', before.description, after.description),
  ];
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id, node]));
  const nodesChanged: NodeChange[] = [];
  const nodesMoved: string[] = [];
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) continue;
    const changes = [
      ...changedValue('type', old.type, node.type),
      ...changedValue('name', old.name, node.name),
      ...changedLeaves('params', old.params ?? {}, node.params ?? {}),
      ...changedLeaves('options', old.options ?? {}, node.options ?? {}),
    ];
    if (changes.length > 0) nodesChanged.push({ id: node.id, changes });
    if (
      old.position &&
      node.position &&
      (old.position.x !== node.position.x || old.position.y !== node.position.y)
    ) {
      nodesMoved.push(node.id);
    }
  }
  const beforeEdges = new Set(before.edges.map(edgeLabel));
  const afterEdges = new Set(after.edges.map(edgeLabel));
  return {
    flow,
    nodesAdded: after.nodes.filter((n) => !beforeNodes.has(n.id)).map(({ id, type }) => ({ id, type })),
    nodesRemoved: before.nodes.filter((n) => !afterNodes.has(n.id)).map(({ id, type }) => ({ id, type })),
    nodesChanged,
    nodesMoved,
    edgesAdded: [...afterEdges].filter((edge) => !beforeEdges.has(edge)),
    edgesRemoved: [...beforeEdges].filter((edge) => !afterEdges.has(edge)),
  };
}

export function isEmptyDiff(diff: FlowDiff): boolean {
  return (
    diff.flow.length +
      diff.nodesAdded.length +
      diff.nodesRemoved.length +
      diff.nodesChanged.length +
      diff.nodesMoved.length +
      diff.edgesAdded.length +
      diff.edgesRemoved.length ===
    0
  );
}

function edgeLabel(edge: DiffableFlow['edges'][number]): string {
  return `${edge.from.node}.${edge.from.port} → ${edge.to.node}.${edge.to.port}`;
}

function changedValue(label: string, before: unknown, after: unknown): string[] {
  return showValue(before) === showValue(after)
    ? []
    : [`${label}: ${showValue(before)} → ${showValue(after)}`];
}

function changedLeaves(prefix: string, before: unknown, after: unknown): string[] {
  const left = flattenLeaves(before, prefix);
  const right = flattenLeaves(after, prefix);
  const paths = [...new Set([...left.keys(), ...right.keys()])];
  return paths.flatMap((path) => changedValue(path, left.get(path), right.get(path)));
}

/** Leaf values by path (`params.fields[0].name`); empty objects and arrays have none. */
function flattenLeaves(value: unknown, path: string, out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      flattenLeaves(item, `${path}[${index}]`, out);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) flattenLeaves(item, `${path}.${key}`, out);
  } else if (value !== undefined) {
    out.set(path, value);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LONGEST_VALUE = 80;

function showValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = JSON.stringify(value);
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 1)}…` : text;
}
