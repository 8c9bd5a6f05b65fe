// A run's output: what its output nodes produced (family `output`), or, in a flow without them,
// what its sink nodes produced. One node → its outputs object; several → keyed by node id.
import type { ActiveRun } from './active-run.ts';

export function computeRunOutput(run: ActiveRun): unknown {
  const succeeded = [...run.nodes.values()].filter((node) => node.status === 'succeeded');
  const outputNodes = succeeded.filter((node) => run.flow.nodes.get(node.id)?.definition.family === 'output');
  const chosen =
    outputNodes.length > 0
      ? outputNodes
      : succeeded.filter((node) => run.flow.nodes.get(node.id)?.downstream.size === 0);
  if (chosen.length === 0) return null;
  if (chosen.length === 1) return chosen[0]!.outputs;
  return Object.fromEntries(chosen.map((node) => [node.id, node.outputs]));
}
