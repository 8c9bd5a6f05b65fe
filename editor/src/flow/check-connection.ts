// Whether an output may feed an input, and if not, why, in words the user can act on. Same rules
// as the server (engine/ports.ts, engine/validate-flow.ts): type names match or the input takes
// `any`; an input takes one edge; no node feeds itself, directly or round a cycle.
import type { NodePorts } from '../api/api-types.ts';

export interface ConnectionAttempt {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface ExistingEdge {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

const ANY_TYPE = 'any';

export function checkConnection(
  attempt: ConnectionAttempt,
  portsOf: (nodeId: string) => NodePorts | undefined,
  edges: readonly ExistingEdge[],
): ConnectionCheck {
  const { source, sourcePort, target, targetPort } = attempt;
  if (source === target) return refuse(`${source} cannot feed itself`);
  const output = portsOf(source)?.outputs.find((port) => port.name === sourcePort);
  if (!output) return refuse(`${source} has no output "${sourcePort}"`);
  const input = portsOf(target)?.inputs.find((port) => port.name === targetPort);
  if (!input) return refuse(`${target} has no input "${targetPort}"`);
  if (input.type !== ANY_TYPE && input.type !== output.type) {
    return refuse(
      `${source}.${sourcePort} gives "${output.type}" but ${target}.${targetPort} takes "${input.type}"`,
    );
  }
  const taken = edges.find((edge) => edge.target === target && edge.targetHandle === targetPort);
  if (taken) {
    return refuse(
      `input ${target}.${targetPort} already takes ${taken.source}.${taken.sourceHandle ?? ''}; an input takes one edge (delete that edge first)`,
    );
  }
  const loop = pathBetween(target, source, edges);
  if (loop) return refuse(`that would make a cycle: ${[source, ...loop].join(' → ')}`);
  return { ok: true };
}

function refuse(reason: string): ConnectionCheck {
  return { ok: false, reason };
}

/** Node ids on a path from `from` to `to` following edges, or null when there is none. */
function pathBetween(from: string, to: string, edges: readonly ExistingEdge[]): string[] | null {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path = [node];
      for (let step = node; step !== from; ) {
        step = cameFrom.get(step)!;
        path.unshift(step);
      }
      return path;
    }
    for (const target of next.get(node) ?? []) {
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return null;
}
