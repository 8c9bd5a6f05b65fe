// The ports each node of a (possibly invalid) flow has, including outputs that depend on params
// (a trigger's fields) and the `error` port of a node whose failures follow it. The editor draws
// handles from this while the user edits.
import { outputPortsOf } from './error-policy.ts';
import { NodeOptionsSchema } from './flow-schema.ts';
import type { CatalogPort } from './registry.ts';
import { catalogPorts, type NodeRegistry } from './registry.ts';

export function portsOfNodes(
  document: unknown,
  registry: NodeRegistry,
): Record<string, { inputs: CatalogPort[]; outputs: CatalogPort[] }> {
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  const out: Record<string, { inputs: CatalogPort[]; outputs: CatalogPort[] }> = {};
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as { id?: unknown; type?: unknown; params?: unknown; options?: unknown }[]) {
    if (typeof node?.id !== 'string' || typeof node.type !== 'string') continue;
    const definition = registry.find(node.type);
    if (!definition) continue;
    const params = definition.params.safeParse(node.params ?? {});
    const options = NodeOptionsSchema.safeParse(node.options ?? {});
    const outputs = outputPortsOf(
      definition,
      params.success ? params.data : undefined,
      options.success ? options.data : {},
    );
    out[node.id] = { inputs: catalogPorts(definition.inputs), outputs: catalogPorts(outputs) };
  }
  return out;
}
