// Routes its input to one of two outputs. The output not taken is not emitted, so the nodes on
// that side are skipped (not failed) and a join after both sides still runs.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { AnyValue, Json, optional } from '../../engine/ports.ts';
import { evaluateCondition } from './condition.ts';

export const ConditionSchema = z.object({
  path: z
    .string()
    .default('')
    .describe('Dot path into the input, e.g. "confidence" or "rows.length"; empty = the input itself'),
  op: z
    .enum([
      'truthy',
      'falsy',
      'equals',
      'notEquals',
      'gt',
      'gte',
      'lt',
      'lte',
      'contains',
      'matches',
      'exists',
    ])
    .default('truthy'),
  value: z.unknown().optional().describe('What to compare with (not used by truthy, falsy, exists)'),
});

export default defineNode({
  type: 'control.branch',
  version: 1,
  title: 'Branch',
  family: 'control',
  lane: 'cpu',
  description: 'Sends the input to "true" or "false" by a condition; the other side is skipped.',
  params: z.object({ condition: ConditionSchema.default({ path: '', op: 'truthy' }) }),
  inputs: { value: AnyValue },
  outputs: { true: optional(Json), false: optional(Json) },
  async run({ params, inputs }) {
    return evaluateCondition(params.condition, inputs.value)
      ? { true: inputs.value }
      : { false: inputs.value };
  },
});
