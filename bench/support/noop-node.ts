// A node that does nothing: benchmarks of it measure the engine, not the work.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { AnyValue, Json, optional } from '../../engine/ports.ts';

export const noopNode = defineNode({
  type: 'bench.noop',
  version: 1,
  title: 'No-op',
  family: 'control',
  lane: 'cpu',
  params: z.object({}),
  inputs: { in: optional(AnyValue) },
  outputs: { out: Json },
  async run({ inputs }) {
    return { out: inputs.in ?? 0 };
  },
});

/** A linear flow of `length` no-op nodes. */
export function linearNoopFlow(id: string, length: number) {
  return {
    id,
    name: id,
    nodes: Array.from({ length }, (_, i) => ({ id: `n${i}`, type: 'bench.noop@1', params: {}, options: {} })),
    edges: Array.from({ length: length - 1 }, (_, i) => ({
      id: `e${i}`,
      from: { node: `n${i}`, port: 'out' },
      to: { node: `n${i + 1}`, port: 'in' },
    })),
  };
}
