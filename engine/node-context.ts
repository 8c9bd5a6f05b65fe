// Builds the `ctx` a node receives. Shared by the inline transport, queue workers and tests so a
// node sees the same thing wherever it runs.
import type { RunAccess } from './actor.ts';
import { noConnections } from './connections.ts';
import type { Logger, NodeContext, NodeProgress } from './define-node.ts';
import { R1flowError } from './errors.ts';
import type { HostSettings } from './host-settings.ts';
import { environmentSettings } from './host-settings.ts';
import { type CostReport, CostReportSchema } from './node-cost.ts';
import type { ResourceScope } from './resources.ts';
import { ResourcePool } from './resources.ts';
import type { SqlAuditRecord } from './sql-audit.ts';

export interface NodeContextOptions {
  runId?: string;
  nodeId?: string;
  attempt?: number;
  /** 1 on a job's first delivery, more when a transport redelivers the same attempt. */
  delivery?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: NodeProgress) => void;
  /** Receives each checked `ctx.cost()` report. */
  onCost?: (report: CostReport) => void;
  /** The host's settings and secrets; defaults to the process environment. */
  settings?: HostSettings;
  resources?: ResourceScope;
  runInput?: unknown;
  access?: RunAccess | null;
  /** Where the node's SQL audit reports go, with run, node and attempt; dropped when not given. */
  onAuditSql?: (record: SqlAuditRecord) => void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createNodeContext(options: NodeContextOptions = {}): NodeContext {
  const onProgress = options.onProgress;
  const onCost = options.onCost;
  const settings = options.settings ?? environmentSettings;
  const onAuditSql = options.onAuditSql;
  const runId = options.runId ?? 'run-local';
  const nodeId = options.nodeId ?? 'node';
  const attempt = options.attempt ?? 1;
  return {
    runId,
    nodeId,
    attempt,
    delivery: options.delivery ?? 1,
    signal: options.signal ?? new AbortController().signal,
    logger: options.logger ?? silentLogger,
    progress: (update) => onProgress?.(update),
    cost: (report) => {
      const checked = CostReportSchema.safeParse(report);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new R1flowError(
          'NODE_BAD_COST',
          `${options.nodeId ?? 'node'} reported a bad cost: ${issue.path.join('.') || 'report'}: ${issue.message}`,
          { retryable: false },
        );
      }
      onCost?.(checked.data);
    },
    setting: settings.setting,
    secret: settings.secret,
    connection: settings.connection ?? noConnections,
    resources: options.resources ?? new ResourcePool(),
    runInput: options.runInput,
    access: options.access ?? null,
    auditSql: (report) => onAuditSql?.({ ...report, at: Date.now(), runId, nodeId, attempt }),
  };
}
