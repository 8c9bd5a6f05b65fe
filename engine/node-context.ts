// Builds the `ctx` a node receives. Shared by the inline transport, queue workers and tests so a
// node sees the same thing wherever it runs.
import type { Logger, NodeContext, NodeProgress } from './define-node.ts';
import type { ResourceScope } from './resources.ts';
import { ResourcePool } from './resources.ts';

export interface NodeContextOptions {
  runId?: string;
  nodeId?: string;
  attempt?: number;
  /** 1 on a job's first delivery, more when a transport redelivers the same attempt. */
  delivery?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: NodeProgress) => void;
  /** Looks up secrets and host settings; defaults to the process environment. */
  secret?: (name: string) => string | undefined;
  resources?: ResourceScope;
  runInput?: unknown;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function environmentSecret(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function createNodeContext(options: NodeContextOptions = {}): NodeContext {
  const onProgress = options.onProgress;
  return {
    runId: options.runId ?? 'run-local',
    nodeId: options.nodeId ?? 'node',
    attempt: options.attempt ?? 1,
    delivery: options.delivery ?? 1,
    signal: options.signal ?? new AbortController().signal,
    logger: options.logger ?? silentLogger,
    progress: (update) => onProgress?.(update),
    secret: options.secret ?? environmentSecret,
    resources: options.resources ?? new ResourcePool(),
    runInput: options.runInput,
  };
}
