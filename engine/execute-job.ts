// Runs node jobs wherever they land (inline transport, queue worker): parses params, builds the
// node's ctx, enforces the timeout and cancellation, and checks outputs against the node's ports.
// It never throws: every job ends in a JobResult, ok or with a serialized error.
import type { AnyNodeDefinition, Logger, NodeContext, NodeProgress, Settled } from './define-node.ts';
import { R1flowError, serializeError } from './errors.ts';
import type { HostSettings } from './host-settings.ts';
import { checkJsonDepth, formatBytes, jsonByteSize } from './json-limits.ts';
import { createNodeContext } from './node-context.ts';
import { addCost, isZeroCost, type NodeCost, zeroCost } from './node-cost.ts';
import type { Ports } from './ports.ts';
import { isOptionalPort, portTypeOf } from './ports.ts';
import type { NodeRegistry } from './registry.ts';
import type { ResourceScope } from './resources.ts';
import type { SqlAuditRecord } from './sql-audit.ts';
import type { JobResult, NodeJob } from './transport.ts';
import { joinPath } from './validate-flow.ts';

export interface ExecutionHost {
  registry: NodeRegistry;
  resources: ResourceScope;
  settings: HostSettings;
  logger: Logger;
  /**
   * Largest JSON of one job's outputs, in bytes; bigger outputs fail with NODE_OUTPUT_TOO_LARGE
   * before anything tries to encode or store them. Unset: no cap here (queue workers cap results
   * where they encode them).
   */
  maxOutputBytes?: number;
}

export interface JobHooks {
  /** Aborted when the orchestrator cancels the job. */
  signal?: AbortSignal;
  onProgress?: (job: NodeJob, progress: NodeProgress) => void;
}

interface PreparedJob {
  job: NodeJob;
  definition: AnyNodeDefinition;
  params: unknown;
  ctx: NodeContext;
  /** Settles with the timeout or cancel error, whichever comes first. */
  interrupted: Promise<never>;
  dispose(): void;
  startedAt: number;
  maxOutputBytes: number | undefined;
  /**
   * The node's SQL audit reports. An interrupt aborts the node's signal before the job settles, so
   * statements cut off by it are reported (as cancelled) in time to go back with the result.
   */
  audit: SqlAuditRecord[];
  /** What the node reported through `ctx.cost()` so far. */
  spent: { cost: NodeCost };
}

export async function executeJob(
  job: NodeJob,
  host: ExecutionHost,
  hooks: JobHooks = {},
): Promise<JobResult> {
  const prepared = prepare(job, host, hooks);
  if (!('ctx' in prepared)) return prepared;
  try {
    const outputs = await Promise.race([
      prepared.definition.run({ params: prepared.params, inputs: job.inputs, ctx: prepared.ctx }),
      prepared.interrupted,
    ]);
    return finish(prepared, { ok: true, value: outputs });
  } catch (error) {
    return finish(prepared, { ok: false, error });
  }
}

/**
 * Runs jobs of one node type through its `runBatch` in one call. Each job keeps its own timeout
 * and cancel: an interrupted job settles at once, the others wait for the batch.
 */
export async function executeBatch(
  jobs: readonly NodeJob[],
  host: ExecutionHost,
  hooks: { signalFor?: (job: NodeJob) => AbortSignal | undefined; onProgress?: JobHooks['onProgress'] } = {},
): Promise<JobResult[]> {
  const prepared = jobs.map((job) => {
    const jobHooks: JobHooks = {};
    const signal = hooks.signalFor?.(job);
    if (signal) jobHooks.signal = signal;
    if (hooks.onProgress) jobHooks.onProgress = hooks.onProgress;
    return prepare(job, host, jobHooks);
  });
  const runnable = prepared.filter((p): p is PreparedJob => 'ctx' in p);
  const definition = runnable[0]?.definition;
  let batch: Promise<Settled<Record<string, unknown>>[]> = Promise.resolve([]);
  if (definition?.runBatch) {
    batch = definition
      .runBatch(runnable.map((p) => ({ params: p.params, inputs: p.job.inputs, ctx: p.ctx })))
      .then((settled) => {
        if (settled.length !== runnable.length) {
          throw new R1flowError(
            'NODE_FAILED',
            `${definition.key} runBatch returned ${settled.length} results for ${runnable.length} items`,
          );
        }
        return settled;
      });
  }
  return Promise.all(
    prepared.map(async (item) => {
      if (!('ctx' in item)) return item;
      const index = runnable.indexOf(item);
      try {
        const settled = await Promise.race([batch.then((all) => all[index]!), item.interrupted]);
        return finish(item, settled);
      } catch (error) {
        return finish(item, { ok: false, error });
      }
    }),
  );
}

function prepare(job: NodeJob, host: ExecutionHost, hooks: JobHooks): PreparedJob | JobResult {
  const startedAt = Date.now();
  const definition = host.registry.find(job.nodeKey);
  if (!definition) {
    return failedResult(
      job,
      startedAt,
      new R1flowError('NODE_TYPE_UNAVAILABLE', `node type ${job.nodeKey} is not installed in this worker`, {
        nodeId: job.nodeId,
      }),
    );
  }
  const params = definition.params.safeParse(job.params);
  if (!params.success) {
    const first = params.error.issues[0]!;
    return failedResult(
      job,
      startedAt,
      new R1flowError(
        'NODE_BAD_INPUT',
        `params of ${job.nodeId} are invalid: ${joinPath('params', first.path)}: ${first.message}`,
        { nodeId: job.nodeId, retryable: false },
      ),
    );
  }
  const controller = new AbortController();
  let rejectInterrupt: (error: R1flowError) => void = () => {};
  const interrupted = new Promise<never>((_, reject) => {
    rejectInterrupt = reject;
  });
  interrupted.catch(() => {}); // observed through Promise.race; never an unhandled rejection
  const interrupt = (error: R1flowError) => {
    controller.abort(error);
    rejectInterrupt(error);
  };
  const timer =
    job.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            interrupt(
              new R1flowError('NODE_TIMEOUT', `${job.nodeId} did not finish within ${job.timeoutMs} ms`, {
                nodeId: job.nodeId,
                retryable: true,
              }),
            ),
          job.timeoutMs,
        );
  const onCancel = () =>
    interrupt(new R1flowError('NODE_CANCELLED', `${job.nodeId} was cancelled`, { nodeId: job.nodeId }));
  if (hooks.signal?.aborted) onCancel();
  else hooks.signal?.addEventListener('abort', onCancel, { once: true });
  const onProgress = hooks.onProgress;
  const audit: SqlAuditRecord[] = [];
  const spent = { cost: zeroCost() };
  const ctx = createNodeContext({
    runId: job.runId,
    nodeId: job.nodeId,
    attempt: job.attempt,
    delivery: job.delivery ?? 1,
    signal: controller.signal,
    logger: host.logger,
    settings: host.settings,
    resources: host.resources,
    runInput: job.runInput,
    access: job.access ?? null,
    onAuditSql: (record) => audit.push(record),
    onCost: (report) => {
      spent.cost = addCost(spent.cost, report);
    },
    ...(onProgress ? { onProgress: (progress: NodeProgress) => onProgress(job, progress) } : {}),
  });
  return {
    job,
    definition,
    params: params.data,
    ctx,
    interrupted,
    startedAt,
    maxOutputBytes: host.maxOutputBytes,
    audit,
    spent,
    dispose() {
      if (timer) clearTimeout(timer);
      hooks.signal?.removeEventListener('abort', onCancel);
    },
  };
}

function finish(prepared: PreparedJob, settled: Settled<Record<string, unknown>>): JobResult {
  prepared.dispose();
  const audit = prepared.audit.length === 0 ? {} : { audit: prepared.audit.slice() };
  return { ...settle(prepared, settled), ...audit };
}

function settle(prepared: PreparedJob, settled: Settled<Record<string, unknown>>): JobResult {
  const { job, startedAt } = prepared;
  // A failed attempt's tokens were spent all the same.
  const cost = prepared.spent.cost;
  if (!settled.ok) return failedResult(job, startedAt, settled.error, cost);
  try {
    const outputs = checkOutputs(prepared, settled.value);
    return {
      ...jobIdentity(job),
      outcome: { ok: true, outputs },
      startedAt,
      finishedAt: Date.now(),
      ...costField(cost),
    };
  } catch (error) {
    return failedResult(job, startedAt, error, cost);
  }
}

/** Every required output present, every emitted output valid for its port type. */
function checkOutputs(prepared: PreparedJob, value: unknown): Record<string, unknown> {
  const { definition, job } = prepared;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new R1flowError(
      'NODE_BAD_OUTPUT',
      `${job.nodeId} returned ${typeof value} instead of an outputs object`,
      {
        nodeId: job.nodeId,
      },
    );
  }
  const raw = value as Record<string, unknown>;
  checkOutputLimits(raw, job, prepared.maxOutputBytes);
  const ports: Ports = { ...(definition.dynamicOutputs?.(prepared.params) ?? {}), ...definition.outputs };
  const outputs: Record<string, unknown> = {};
  for (const [name, port] of Object.entries(ports)) {
    if (raw[name] === undefined) {
      if (isOptionalPort(port)) continue;
      throw new R1flowError('NODE_BAD_OUTPUT', `${job.nodeId} did not return its output "${name}"`, {
        nodeId: job.nodeId,
        path: `outputs.${name}`,
      });
    }
    const parsed = portTypeOf(port).schema.safeParse(raw[name]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = joinPath(`outputs.${name}`, issue.path);
      throw new R1flowError(
        'NODE_BAD_OUTPUT',
        `${job.nodeId} returned an invalid "${name}" (${portTypeOf(port).name}): ${path}: ${issue.message}`,
        {
          nodeId: job.nodeId,
          path,
        },
      );
    }
    outputs[name] = parsed.data;
  }
  return outputs;
}

/**
 * Depth first (port schemas and the store's JSON encoding recurse), then size, measured without
 * encoding: a node that returns hundreds of MB fails alone instead of failing the store commit.
 */
function checkOutputLimits(raw: Record<string, unknown>, job: NodeJob, maxBytes: number | undefined): void {
  try {
    checkJsonDepth(raw, 'outputs');
  } catch (error) {
    const deep = error as R1flowError;
    throw new R1flowError('JSON_TOO_DEEP', `${job.nodeId} returned ${deep.message}`, {
      nodeId: job.nodeId,
      ...(deep.path === undefined ? {} : { path: deep.path }),
      retryable: false,
    });
  }
  if (maxBytes === undefined) return;
  const bytes = jsonByteSize(raw, maxBytes);
  if (bytes <= maxBytes) return;
  throw new R1flowError(
    'NODE_OUTPUT_TOO_LARGE',
    `${job.nodeId} returned more than ${formatBytes(maxBytes)} of output (stopped counting at ${formatBytes(bytes)}), ` +
      'over the cap of one node output: pass large data by reference (a file or table), cap the rows, or raise maxOutputBytes',
    { nodeId: job.nodeId, retryable: false, data: { bytesAtLeast: bytes, maxBytes } },
  );
}

function jobIdentity(job: NodeJob) {
  return { jobId: job.jobId, runId: job.runId, nodeId: job.nodeId, attempt: job.attempt };
}

export function failedResult(job: NodeJob, startedAt: number, error: unknown, cost?: NodeCost): JobResult {
  return {
    ...jobIdentity(job),
    outcome: { ok: false, error: serializeError(error) },
    startedAt,
    finishedAt: Date.now(),
    ...costField(cost),
  };
}

/** A result carries `cost` only when something was spent. */
function costField(cost: NodeCost | undefined): { cost?: NodeCost } {
  return cost === undefined || isZeroCost(cost) ? {} : { cost };
}
