// What a node's failure does, after its last retry: fail the run, continue with a default
// output, or emit the error on an extra `error` output port. The one place that reads the node's
// error options (the older `continueOnError` included), for validation and the scheduler alike.
import { z } from 'zod';
import type { AnyNodeDefinition } from './define-node.ts';
import type { SerializedError } from './errors.ts';
import type { NodeOptions } from './flow-schema.ts';
import type { Ports } from './ports.ts';
import { definePortType } from './ports.ts';

export type OnError = 'fail' | 'continue' | 'errorPort';

/** The output port a node with `onError: 'errorPort'` gets. */
export const ERROR_PORT = 'error';

export const NodeErrorSchema = z.object({
  nodeId: z.string(),
  code: z.string(),
  message: z.string(),
  attempt: z.number().int(),
});
export type NodeErrorValue = z.output<typeof NodeErrorSchema>;

export const NodeErrorPort = definePortType<NodeErrorValue>(
  'node-error',
  NodeErrorSchema,
  'Why a node failed: its id, the error code and message, and the attempt that failed',
);

/** `continueOnError: true` is the older spelling of `onError: 'continue'` (without an error output). */
export function onErrorOf(options: Pick<NodeOptions, 'onError' | 'continueOnError'>): OnError {
  return options.onError ?? (options.continueOnError ? 'continue' : 'fail');
}

/**
 * A node's output ports: its declared ones, those its params add (none while its params are
 * invalid: `params` undefined), and `error` under `onError: 'errorPort'`.
 */
export function outputPortsOf(
  definition: AnyNodeDefinition,
  params: unknown,
  options: Pick<NodeOptions, 'onError' | 'continueOnError'>,
): Ports {
  const dynamic: Ports = (params !== undefined && definition.dynamicOutputs?.(params)) || {};
  const ports: Ports = { ...dynamic, ...definition.outputs };
  return onErrorOf(options) === 'errorPort' && !(ERROR_PORT in ports)
    ? { ...ports, [ERROR_PORT]: NodeErrorPort }
    : ports;
}

/**
 * The outputs a node that failed for good still emits, or null when its failure fails the run.
 * `continue` without an error output emits nothing, so nodes that need its outputs are skipped.
 */
export function outputsOnFailure(
  nodeId: string,
  options: NodeOptions,
  error: SerializedError,
  attempt: number,
): Record<string, unknown> | null {
  switch (onErrorOf(options)) {
    case 'fail':
      return null;
    case 'continue':
      return options.errorOutput ?? {};
    case 'errorPort':
      return { [ERROR_PORT]: { nodeId, code: error.code, message: error.message, attempt } };
  }
}
