// Flow validation: the zod document schema, then graph rules. Every problem is reported at once,
// each with a code and a JSON path, so the editor can mark every offending node in one pass.
import type { z } from 'zod';
import type { AnyNodeDefinition } from './define-node.ts';
import { ERROR_PORT, onErrorOf, outputPortsOf } from './error-policy.ts';
import type { ErrorCode } from './errors.ts';
import { R1flowError } from './errors.ts';
import type { FlowDocument, FlowNode } from './flow-schema.ts';
import { FlowDocumentSchema } from './flow-schema.ts';
import { findCycles } from './graph-cycles.ts';
import { checkJsonDepth } from './json-limits.ts';
import type { PortLike, Ports } from './ports.ts';
import { isOptionalPort, portsConnect, portTypeOf } from './ports.ts';
import type { NodeRegistry } from './registry.ts';

export interface FlowIssue {
  code: ErrorCode;
  /** JSON path in the flow document, e.g. `nodes[2].params.n` or `edges[0].to.port`. */
  path: string;
  message: string;
  nodeId?: string;
}

/** A node of a valid flow with everything the engine needs resolved. */
export interface ResolvedNode {
  node: FlowNode;
  definition: AnyNodeDefinition;
  params: unknown;
  inputs: Ports;
  outputs: Ports;
  /** Input port → the output feeding it. */
  incoming: Map<string, { node: string; port: string }>;
  /** Nodes fed by this node's outputs. */
  downstream: Set<string>;
}

export interface ResolvedFlow {
  document: FlowDocument;
  nodes: Map<string, ResolvedNode>;
  /** Node ids in a topological order. */
  order: string[];
}

export type FlowValidation = { ok: true; flow: ResolvedFlow } | { ok: false; issues: FlowIssue[] };

export function validateFlow(input: unknown, registry: NodeRegistry): FlowValidation {
  // zod and the store's JSON encoding recurse: a deeply nested document is refused before either.
  try {
    checkJsonDepth(input, '');
  } catch (error) {
    const deep = error as R1flowError;
    return { ok: false, issues: [{ code: 'JSON_TOO_DEEP', path: deep.path ?? '', message: deep.message }] };
  }
  const parsed = FlowDocumentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues('FLOW_SCHEMA_INVALID', parsed.error, '') };
  const document = parsed.data;
  const issues: FlowIssue[] = [];
  const nodes = resolveNodes(document, registry, issues);
  connectEdges(document, nodes, issues);
  checkRequiredInputs(document, nodes, issues);
  const cycles = findCycles(
    document.nodes.map((n) => n.id),
    document.edges
      .filter((e) => nodes.has(e.from.node) && nodes.has(e.to.node))
      .map((e) => [e.from.node, e.to.node]),
  );
  for (const cycle of cycles) {
    const index = document.nodes.findIndex((n) => n.id === cycle[0]);
    issues.push({
      code: 'FLOW_CYCLE',
      path: `nodes[${index}]`,
      nodeId: cycle[0]!,
      message: `the flow has a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, flow: { document, nodes, order: topologicalOrder(document, nodes) } };
}

/** Throws a FLOW_* error listing every issue; returns the resolved flow otherwise. */
export function resolveFlowOrThrow(input: unknown, registry: NodeRegistry): ResolvedFlow {
  const result = validateFlow(input, registry);
  if (result.ok) return result.flow;
  const first = result.issues[0]!;
  throw new R1flowError(first.code, formatIssues(result.issues), {
    path: first.path,
    data: { issues: result.issues },
  });
}

export function formatIssues(issues: FlowIssue[]): string {
  const lines = issues.map((issue) => `  ${issue.path || '(document)'}: ${issue.message} [${issue.code}]`);
  return `the flow is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

function resolveNodes(document: FlowDocument, registry: NodeRegistry, issues: FlowIssue[]) {
  const nodes = new Map<string, ResolvedNode>();
  const seen = new Set<string>();
  document.nodes.forEach((node, index) => {
    const path = `nodes[${index}]`;
    if (seen.has(node.id)) {
      issues.push({
        code: 'FLOW_DUPLICATE_ID',
        path: `${path}.id`,
        nodeId: node.id,
        message: `node id "${node.id}" is used more than once`,
      });
      return;
    }
    seen.add(node.id);
    const definition = registry.find(node.type);
    if (!definition) {
      issues.push({
        code: 'FLOW_UNKNOWN_NODE_TYPE',
        path: `${path}.type`,
        nodeId: node.id,
        message: `unknown node type ${node.type} (${registry.describeKnown(node.type)})`,
      });
      return;
    }
    const params = definition.params.safeParse(node.params);
    if (!params.success) {
      for (const issue of zodIssues('FLOW_BAD_PARAMS', params.error, `${path}.params`)) {
        issues.push({ ...issue, nodeId: node.id, message: `${node.id}: ${issue.message}` });
      }
      return;
    }
    const outputs = outputPortsOf(definition, params.data, node.options);
    checkErrorOptions(node, definition, outputs, path, issues);
    nodes.set(node.id, {
      node,
      definition,
      params: params.data,
      inputs: definition.inputs,
      outputs,
      incoming: new Map(),
      downstream: new Set(),
    });
  });
  const edgeIds = new Set<string>();
  document.edges.forEach((edge, index) => {
    if (edgeIds.has(edge.id)) {
      issues.push({
        code: 'FLOW_DUPLICATE_ID',
        path: `edges[${index}].id`,
        message: `edge id "${edge.id}" is used more than once`,
      });
    }
    edgeIds.add(edge.id);
  });
  return nodes;
}

function connectEdges(document: FlowDocument, nodes: Map<string, ResolvedNode>, issues: FlowIssue[]) {
  const declared = new Set(document.nodes.map((n) => n.id));
  document.edges.forEach((edge, index) => {
    const path = `edges[${index}]`;
    const source = endpoint(edge.from, 'from', 'outputs', path, declared, nodes, issues);
    const target = endpoint(edge.to, 'to', 'inputs', path, declared, nodes, issues);
    if (!source || !target) return;
    const fromType = portTypeOf(source.port);
    const toType = portTypeOf(target.port);
    if (!portsConnect(fromType, toType)) {
      issues.push({
        code: 'FLOW_PORT_TYPE_MISMATCH',
        path,
        nodeId: edge.to.node,
        message: `${edge.from.node}.${edge.from.port} gives "${fromType.name}" but ${edge.to.node}.${edge.to.port} takes "${toType.name}"`,
      });
      return;
    }
    const existing = target.resolved.incoming.get(edge.to.port);
    if (existing) {
      issues.push({
        code: 'FLOW_INPUT_TAKEN',
        path: `${path}.to`,
        nodeId: edge.to.node,
        message: `input ${edge.to.node}.${edge.to.port} already takes ${existing.node}.${existing.port}; an input takes one edge`,
      });
      return;
    }
    target.resolved.incoming.set(edge.to.port, { node: edge.from.node, port: edge.from.port });
    source.resolved.downstream.add(edge.to.node);
  });
}

function endpoint(
  end: { node: string; port: string },
  side: 'from' | 'to',
  portSide: 'inputs' | 'outputs',
  edgePath: string,
  declared: Set<string>,
  nodes: Map<string, ResolvedNode>,
  issues: FlowIssue[],
): { resolved: ResolvedNode; port: PortLike } | undefined {
  if (!declared.has(end.node)) {
    issues.push({
      code: 'FLOW_EDGE_MISSING_NODE',
      path: `${edgePath}.${side}.node`,
      message: `edge ${side === 'from' ? 'starts at' : 'ends at'} node "${end.node}", which is not in the flow`,
    });
    return undefined;
  }
  const resolved = nodes.get(end.node);
  if (!resolved) return undefined; // the node itself is invalid and already reported
  const port = resolved[portSide][end.port];
  if (!port && portSide === 'outputs' && end.port === ERROR_PORT) {
    issues.push({
      code: 'FLOW_EDGE_MISSING_PORT',
      path: `${edgePath}.${side}.port`,
      nodeId: end.node,
      message: `${end.node} has an "${ERROR_PORT}" output only when its options.onError is "errorPort"`,
    });
    return undefined;
  }
  if (!port) {
    const available = Object.keys(resolved[portSide]);
    issues.push({
      code: 'FLOW_EDGE_MISSING_PORT',
      path: `${edgePath}.${side}.port`,
      nodeId: end.node,
      message: `${resolved.node.type} has no ${portSide === 'inputs' ? 'input' : 'output'} "${end.port}" (it has: ${available.join(', ') || 'none'})`,
    });
    return undefined;
  }
  return { resolved, port };
}

/**
 * The error options fit together, and an error output is what the node's output ports accept.
 * Problems inside errorOutput are reported at `options.errorOutput` (the one field the editor
 * shows for it), their message naming the port.
 */
function checkErrorOptions(
  node: FlowNode,
  definition: AnyNodeDefinition,
  outputs: Ports,
  path: string,
  issues: FlowIssue[],
) {
  const { options } = node;
  const problem = (at: string, message: string) =>
    issues.push({
      code: 'FLOW_BAD_OPTIONS',
      path: `${path}.options.${at}`,
      nodeId: node.id,
      message: `${node.id}: ${message}`,
    });
  if (options.continueOnError !== undefined && options.onError !== undefined) {
    problem('continueOnError', 'continueOnError is the older spelling of onError; give only onError');
  }
  const onError = onErrorOf(options);
  if (onError === 'errorPort' && ERROR_PORT in definition.outputs) {
    problem(
      'onError',
      `${node.type} has an output of its own named "${ERROR_PORT}", so it cannot get an error port`,
    );
  }
  if (options.errorOutput === undefined) return;
  if (onError !== 'continue') {
    problem('errorOutput', 'errorOutput is used only with onError "continue"');
    return;
  }
  for (const [name, value] of Object.entries(options.errorOutput)) {
    const port = outputs[name];
    if (!port) {
      problem(
        'errorOutput',
        `${node.type} has no output "${name}" (it has: ${Object.keys(outputs).join(', ')})`,
      );
      continue;
    }
    const parsed = portTypeOf(port).schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      problem(
        'errorOutput',
        `${joinPath(`errorOutput.${name}`, first.path)}: ${first.message} (the output "${name}" is a "${portTypeOf(port).name}")`,
      );
    }
  }
  for (const [name, port] of Object.entries(outputs)) {
    if (!isOptionalPort(port) && !(name in options.errorOutput)) {
      problem('errorOutput', `errorOutput needs a value for the output "${name}" (${portTypeOf(port).name})`);
    }
  }
}

function checkRequiredInputs(document: FlowDocument, nodes: Map<string, ResolvedNode>, issues: FlowIssue[]) {
  // An input with an edge ending at it counts as connected even when that edge could not be
  // resolved (its source has bad params or an unknown type, the port types differ): that problem
  // is reported where it lies, not again as a missing input on every node downstream.
  const fed = new Set(document.edges.map((edge) => `${edge.to.node}\u0000${edge.to.port}`));
  document.nodes.forEach((node, index) => {
    const resolved = nodes.get(node.id);
    if (!resolved || resolved.node !== node) return;
    for (const [name, port] of Object.entries(resolved.inputs)) {
      if (isOptionalPort(port) || resolved.incoming.has(name) || fed.has(`${node.id}\u0000${name}`)) continue;
      issues.push({
        code: 'FLOW_MISSING_INPUT',
        path: `nodes[${index}]`,
        nodeId: node.id,
        message: `${node.id} (${node.type}) needs its input "${name}" (${portTypeOf(port).name}) connected`,
      });
    }
  });
}

function topologicalOrder(document: FlowDocument, nodes: Map<string, ResolvedNode>): string[] {
  const indegree = new Map<string, number>();
  for (const id of nodes.keys()) indegree.set(id, 0);
  for (const resolved of nodes.values()) {
    const sources = new Set([...resolved.incoming.values()].map((s) => s.node));
    indegree.set(resolved.node.id, sources.size);
  }
  const order: string[] = [];
  const ready = document.nodes.map((n) => n.id).filter((id) => indegree.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of nodes.get(id)!.downstream) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

function zodIssues(code: ErrorCode, error: z.ZodError, prefix: string): FlowIssue[] {
  return error.issues.map((issue) => ({
    code,
    path: joinPath(prefix, issue.path),
    message: issue.message,
  }));
}

export function joinPath(prefix: string, segments: readonly PropertyKey[]): string {
  let path = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path ? `.${String(segment)}` : String(segment);
  }
  return path;
}
