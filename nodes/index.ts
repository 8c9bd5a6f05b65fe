// The node pack: every node type r1flow ships, and the registry a process runs with.
import type { AnyNodeDefinition } from '../engine/define-node.ts';
import { NodeRegistry } from '../engine/registry.ts';
import branch from './control/branch.node.ts';
import examplesRetrieve from './examples/retrieve.node.ts';
import generate from './llm/generate.node.ts';
import answer from './output/answer.node.ts';
import retrieve from './schema/retrieve.node.ts';
import combine from './sql/combine.node.ts';
import correct from './sql/correct.node.ts';
import execute from './sql/execute.node.ts';
import judge from './sql/judge.node.ts';
import reward from './sql/reward.node.ts';
import vote from './sql/vote.node.ts';
import errorTrigger from './trigger/error.node.ts';
import manualTrigger from './trigger/manual.node.ts';
import scheduleTrigger from './trigger/schedule.node.ts';
import webhookTrigger from './trigger/webhook.node.ts';
import warehouseSync from './warehouse/sync.node.ts';

export const BUILTIN_NODES: readonly AnyNodeDefinition[] = [
  manualTrigger,
  webhookTrigger,
  scheduleTrigger,
  errorTrigger,
  branch,
  answer,
  retrieve,
  examplesRetrieve,
  generate,
  combine,
  execute,
  correct,
  vote,
  judge,
  reward,
  warehouseSync,
];

export function createNodeRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...BUILTIN_NODES, ...extra]);
}
