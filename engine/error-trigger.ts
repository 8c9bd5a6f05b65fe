// What the engine knows of `trigger.error` (nodes/trigger/error.node.ts): its params, which flows
// it watches, and the input its runs get. Here rather than in the node pack because the engine
// itself starts error flows when a run fails (scheduler/error-flows.ts).
import { z } from 'zod';
import { NodeIdSchema } from './flow-schema.ts';

export const ERROR_TRIGGER_TYPE = 'trigger.error';
/** In `flows`, watches every flow but the error flow itself. */
export const EVERY_FLOW = '*';

export const ErrorTriggerParamsSchema = z.object({
  flows: z
    .array(z.union([z.literal(EVERY_FLOW), NodeIdSchema]))
    .min(1, 'name at least one flow id to watch, or "*" for every flow')
    .max(100)
    .default([EVERY_FLOW])
    .describe('Ids of the flows whose failed runs start this flow; "*" watches every flow'),
});
export type ErrorTriggerParams = z.output<typeof ErrorTriggerParamsSchema>;

/** The input an error flow's run gets: which run failed, where and why. */
export const FailedRunSchema = z.object({
  runId: z.string().min(1),
  flowId: z.string().min(1),
  flowVersion: z.number().int().min(1),
  nodeId: z.string().nullable(),
  code: z.string().min(1),
  message: z.string(),
});
export type FailedRun = z.output<typeof FailedRunSchema>;

/** Whether an error trigger node's params (as stored in a flow document) watch `flowId`. */
export function errorTriggerWatches(params: unknown, flowId: string): boolean {
  const parsed = ErrorTriggerParamsSchema.safeParse(params);
  return parsed.success && (parsed.data.flows.includes(EVERY_FLOW) || parsed.data.flows.includes(flowId));
}

export function isErrorTriggerType(nodeType: string): boolean {
  return nodeType.startsWith(`${ERROR_TRIGGER_TYPE}@`);
}
