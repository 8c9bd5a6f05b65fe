// Node types for engine tests: behaviour a test can dial in through params (sleep, fail N times,
// honour or ignore cancel), plus a side-effect log so tests can count executions.
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { CostReportSchema } from '../../engine/node-cost.ts';
import { AnyValue, Json, optional } from '../../engine/ports.ts';
import { CellSchema, RowsPort, SqlText } from '../../nodes/types.ts';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** Passes its input on after an optional delay; fails its first `failTimes` attempts. */
export const stepNode = defineNode({
  type: 'test.step',
  version: 1,
  title: 'Test step',
  family: 'control',
  lane: 'cpu',
  params: z.object({
    label: z.string().default('step'),
    sleepMs: z.number().int().min(0).default(0),
    failTimes: z.number().int().min(0).default(0),
    ignoreSignal: z.boolean().default(false),
    badOutput: z.boolean().default(false),
    /** Append a line per execution to this file (counts side effects across processes). */
    logFile: z.string().optional(),
    /** Reported through ctx.cost() on every attempt, failed ones too. */
    cost: CostReportSchema.optional(),
  }),
  inputs: { in: optional(AnyValue), other: optional(AnyValue) },
  outputs: { out: Json },
  async run({ params, inputs, ctx }) {
    if (params.logFile) appendFileSync(params.logFile, `${ctx.runId} ${ctx.nodeId} ${ctx.attempt}\n`);
    if (params.cost) ctx.cost(params.cost);
    if (params.sleepMs > 0) await sleep(params.sleepMs, params.ignoreSignal ? undefined : ctx.signal);
    if (ctx.attempt <= params.failTimes) throw new Error(`${params.label} failed on attempt ${ctx.attempt}`);
    if (params.badOutput) return { out: undefined as unknown as string };
    return { out: { label: params.label, in: inputs.in ?? null, other: inputs.other ?? null } };
  },
});

/** Records how many items each runBatch call got. */
export const batchedNode = defineNode({
  type: 'test.batched',
  version: 1,
  title: 'Test batched',
  family: 'llm',
  lane: 'llm',
  params: z.object({
    weight: z.number().int().min(1).default(1),
    sleepMs: z.number().int().min(0).default(5),
  }),
  inputs: { in: optional(AnyValue) },
  outputs: { out: Json },
  batchWeight: (params) => params.weight,
  async run() {
    return { out: { batchSize: 1 } };
  },
  async runBatch(items) {
    await sleep(items[0]?.params.sleepMs ?? 0);
    return items.map(() => ({ ok: true as const, value: { out: { batchSize: items.length } } }));
  },
});

/** A fixed result table (and the SQL that "made" it), to feed output.answer without a warehouse. */
export const tableNode = defineNode({
  type: 'test.table',
  version: 1,
  title: 'Test table',
  family: 'sql',
  lane: 'cpu',
  params: z.object({
    columns: z.array(z.string()),
    rows: z.array(z.array(CellSchema)),
    /** Without it output.answer abstains. */
    sql: z.string().optional(),
  }),
  inputs: { in: optional(AnyValue) },
  outputs: { rows: RowsPort, sql: optional(SqlText) },
  async run({ params }) {
    return {
      rows: { columns: params.columns, rows: params.rows, truncated: false },
      ...(params.sql === undefined ? {} : { sql: params.sql }),
    };
  },
});

/** Resolves a named connection through the host, as a warehouse node would; outputs its name and kind only. */
export const connectionNode = defineNode({
  type: 'test.connection',
  version: 1,
  title: 'Test connection',
  family: 'control',
  lane: 'cpu',
  params: z.object({ name: z.string() }),
  inputs: { in: optional(AnyValue) },
  outputs: { out: Json },
  async run({ params, ctx }) {
    const connection = await ctx.connection(params.name);
    return { out: { name: connection.name, kind: connection.kind, resolved: connection.url.length > 0 } };
  },
});

export const TEST_NODES = [stepNode, batchedNode, tableNode, connectionNode];

export default TEST_NODES;
