// The node pack: every node type r1flow ships, and the registry a process runs with.
import type { AnyNodeDefinition } from '../engine/define-node.ts';
import { NodeRegistry } from '../engine/registry.ts';
import branch from './control/branch.node.ts';
import generate from './llm/generate.node.ts';
import answer from './output/answer.node.ts';
import execute from './sql/execute.node.ts';
import manualTrigger from './trigger/manual.node.ts';

export const BUILTIN_NODES: readonly AnyNodeDefinition[] = [manualTrigger, branch, answer, generate, execute];

export function createNodeRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...BUILTIN_NODES, ...extra]);
}
