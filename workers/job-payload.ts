// What travels through Redis: node jobs (BullMQ job data) and their results (the results
// stream). Both are checked where they arrive, because another process wrote them, and both are
// capped in size: Redis keeps everything in memory, so a large payload should travel by
// reference (a file, a table) instead. The cap is a clear error rather than silent compression.
import { z } from 'zod';
import { RunAccessSchema } from '../engine/actor.ts';
import { LANES } from '../engine/define-node.ts';
import type { ErrorCode } from '../engine/errors.ts';
import { R1flowError } from '../engine/errors.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, formatBytes } from '../engine/json-limits.ts';
import { NodeCostSchema } from '../engine/node-cost.ts';
import { SqlAuditRecordSchema } from '../engine/sql-audit.ts';
import type { JobResult, NodeJob } from '../engine/transport.ts';

export { DEFAULT_MAX_PAYLOAD_BYTES };

export const NodeJobSchema = z.object({
  jobId: z
    .string()
    .min(1)
    .refine((id) => !id.includes(':'), 'job ids must not contain ":"'),
  runId: z.string().min(1),
  nodeId: z.string().min(1),
  attempt: z.number().int().min(1),
  nodeKey: z.string().regex(/@\d+$/, 'expected type@version'),
  lane: z.enum(LANES as [NodeJob['lane'], ...NodeJob['lane'][]]),
  params: z.unknown(),
  inputs: z.record(z.string(), z.unknown()),
  timeoutMs: z.number().int().positive().optional(),
  runInput: z.unknown().optional(),
  access: RunAccessSchema.optional(),
  requeued: z.number().int().min(0).optional(),
});

/** A node job as queued: `requeued` counts how often the transport queued it again after Redis lost it. */
export interface QueuedNodeJob extends NodeJob {
  requeued?: number;
}

const SerializedErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  path: z.string().optional(),
  nodeId: z.string().optional(),
  retryable: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const JobResultSchema = z.object({
  jobId: z.string().min(1),
  runId: z.string().min(1),
  nodeId: z.string().min(1),
  attempt: z.number().int().min(1),
  outcome: z.union([
    z.object({ ok: z.literal(true), outputs: z.record(z.string(), z.unknown()) }),
    z.object({ ok: z.literal(false), error: SerializedErrorSchema }),
  ]),
  startedAt: z.number(),
  finishedAt: z.number(),
  audit: z.array(SqlAuditRecordSchema).optional(),
  cost: NodeCostSchema.optional(),
});

/** A worker's view of a job's data: the NodeJob, or why it is not one. */
export function parseNodeJob(
  data: unknown,
): { ok: true; job: QueuedNodeJob } | { ok: false; reason: string } {
  const parsed = NodeJobSchema.safeParse(data);
  if (parsed.success) return { ok: true, job: parsed.data as QueuedNodeJob };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `${issue.path.join('.') || 'data'}: ${issue.message}` };
}

/** A result read back from Redis, or undefined when it is not one. */
export function parseJobResult(json: string): JobResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = JobResultSchema.safeParse(value);
  if (!parsed.success) return undefined;
  // The error code came from another r1flow process; codes are stable strings.
  return parsed.data as JobResult;
}

/** JSON of `value`, or an error naming the size when it is over `maxBytes`. */
export function encodeWithinCap(
  value: unknown,
  maxBytes: number,
  what: string,
  code: ErrorCode,
): { ok: true; json: string } | { ok: false; error: R1flowError } {
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json);
  if (bytes <= maxBytes) return { ok: true, json };
  return {
    ok: false,
    error: new R1flowError(
      code,
      `${what} is ${formatBytes(bytes)} of JSON, over queue mode's cap of ${formatBytes(maxBytes)}: ` +
        'pass large data by reference (a file or table) or raise maxPayloadBytes',
      { data: { bytes, maxBytes } },
    ),
  };
}
