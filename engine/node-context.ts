// Builds the `ctx` a node receives. Shared by the inline transport, queue workers and tests so a
// node sees the same thing wherever it runs.
import type { RunAccess } from './actor.ts';
import { noConnections } from './connections.ts';
import type { Logger, NodeContext, NodeProgress } from './define-node.ts';
import type { HostSettings } from './host-settings.ts';
import { environmentSettings } from './host-settings.ts';
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
  /** The host's settings and secrets; defaults to the process environment. */
  settings?: HostSettings;
  resources?: ResourceScope;
  runInput?: unknown;
  access?: RunAccess | null;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createNodeContext(options: NodeContextOptions = {}): NodeContext {
  const onProgress = options.onProgress;
  const settings = options.settings ?? environmentSettings;
  return {
    runId: options.runId ?? 'run-local',
    nodeId: options.nodeId ?? 'node',
    attempt: options.attempt ?? 1,
    delivery: options.delivery ?? 1,
    signal: options.signal ?? new AbortController().signal,
    logger: options.logger ?? silentLogger,
    progress: (update) => onProgress?.(update),
    setting: settings.setting,
    secret: settings.secret,
    connection: settings.connection ?? noConnections,
    resources: options.resources ?? new ResourcePool(),
    runInput: options.runInput,
    access: options.access ?? null,
  };
}
