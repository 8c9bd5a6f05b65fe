// Starts a flow when a run of a watched flow fails (n8n's "error workflow"): the engine starts it
// with the failed run's id, flow, node and error as input (engine/scheduler/error-flows.ts). An
// error flow that fails starts no error flow, so error flows cannot feed each other in a loop.
import { defineNode } from '../../engine/define-node.ts';
import { ERROR_TRIGGER_TYPE, ErrorTriggerParamsSchema, FailedRunSchema } from '../../engine/error-trigger.ts';
import { Json, NumberValue, optional, Text } from '../../engine/ports.ts';

export default defineNode({
  type: ERROR_TRIGGER_TYPE,
  version: 1,
  title: 'Error trigger',
  family: 'trigger',
  lane: 'cpu',
  description:
    'Starts a run when a run of a watched flow fails, with the failed run id, flow, node, error code and message.',
  params: ErrorTriggerParamsSchema,
  inputs: {},
  outputs: {
    payload: Json,
    runId: Text,
    flowId: Text,
    flowVersion: NumberValue,
    nodeId: optional(Text),
    code: Text,
    message: Text,
  },
  inputSchema: () => FailedRunSchema,
  async run({ ctx }) {
    const failed = FailedRunSchema.parse(ctx.runInput);
    const { nodeId, ...rest } = failed;
    return { payload: failed, ...rest, ...(nodeId === null ? {} : { nodeId }) };
  },
});
