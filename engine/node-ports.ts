// The ports each node of a (possibly invalid) flow has, including outputs that depend on params
// (a trigger's fields). The editor draws handles from this while the user edits.
import type { CatalogPort } from './registry.ts';
import { catalogPorts, type NodeRegistry } from './registry.ts';

export function portsOfNodes(
  document: unknown,
  registry: NodeRegistry,
): Record<string, { inputs: CatalogPort[]; outputs: CatalogPort[] }> {
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  const out: Record<string, { inputs: CatalogPort[]; outputs: CatalogPort[] }> = {};
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as { id?: unknown; type?: unknown; params?: unknown }[]) {
    if (typeof node?.id !== 'string' || typeof node.type !== 'string') continue;
    const definition = registry.find(node.type);
    if (!definition) continue;
    const params = definition.params.safeParse(node.params ?? {});
    const dynamic = params.success ? (definition.dynamicOutputs?.(params.data) ?? {}) : {};
    out[node.id] = {
      inputs: catalogPorts(definition.inputs),
      outputs: catalogPorts({ ...dynamic, ...definition.outputs }),
    };
  }
  return out;
}
