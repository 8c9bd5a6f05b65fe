// A stored flow version, resolved against the node types installed in this process.
import type { FlowDocument } from '../flow-schema.ts';
import type { NodeRegistry } from '../registry.ts';
import type { ResolvedFlow } from '../validate-flow.ts';
import { resolveFlowOrThrow } from '../validate-flow.ts';

const cache = new WeakMap<FlowDocument, ResolvedFlow>();

export function resolveStoredFlow(document: FlowDocument, registry: NodeRegistry): ResolvedFlow {
  let resolved = cache.get(document);
  if (!resolved) {
    resolved = resolveFlowOrThrow(document, registry);
    cache.set(document, resolved);
  }
  return resolved;
}
