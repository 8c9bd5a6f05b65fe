// What a node attempt cost: model tokens in and out, time spent waiting for the model and for SQL,
// and rows its queries returned. Nodes report through `ctx.cost()`; the engine adds up reports per
// attempt, attempts per node run and node runs per run, so every level reads the same five numbers.
import { z } from 'zod';

export interface NodeCost {
  /** Prompt tokens the model server counted (its `usage.prompt_tokens`). */
  tokensIn: number;
  /** Generated tokens (its `usage.completion_tokens`). */
  tokensOut: number;
  /** Wall time spent waiting for model responses, in ms. */
  modelMs: number;
  /** Wall time spent running SQL, in ms. */
  sqlMs: number;
  /** Rows the node's queries returned. */
  rows: number;
}

/** What one `ctx.cost()` call reports: any of the five amounts. */
export type CostReport = { [K in keyof NodeCost]?: number | undefined };

export const COST_FIELDS = ['tokensIn', 'tokensOut', 'modelMs', 'sqlMs', 'rows'] as const;

const Amount = z.number().finite().min(0);
export const NodeCostSchema = z.object({
  tokensIn: Amount,
  tokensOut: Amount,
  modelMs: Amount,
  sqlMs: Amount,
  rows: Amount,
});
/** One report: any of the five amounts, each a finite number ≥ 0. */
export const CostReportSchema = NodeCostSchema.partial().strict();

export function zeroCost(): NodeCost {
  return { tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 0, rows: 0 };
}

/** `a + b`, field by field; `b` may name only some fields. */
export function addCost(a: NodeCost, b: CostReport | null | undefined): NodeCost {
  if (!b) return a;
  const sum = { ...a };
  for (const field of COST_FIELDS) sum[field] += b[field] ?? 0;
  return sum;
}

export function isZeroCost(cost: NodeCost): boolean {
  return COST_FIELDS.every((field) => cost[field] === 0);
}

/** The sum of `costs` (null ones count as nothing); null when nothing was spent. */
export function sumCosts(costs: Iterable<NodeCost | null | undefined>): NodeCost | null {
  let total = zeroCost();
  for (const cost of costs) total = addCost(total, cost);
  return isZeroCost(total) ? null : total;
}

/**
 * Splits a whole-number `total` over `weights` in proportion, by largest remainder, so the parts
 * are whole numbers that add up to `total` exactly (a batch's usage shared among its runs).
 * Zero weights everywhere share it evenly.
 */
export function splitByShare(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((s, w) => s + w, 0);
  const shares = sum > 0 ? weights.map((w) => (total * w) / sum) : weights.map(() => total / weights.length);
  const parts = shares.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const byRemainder = shares
    .map((share, i) => ({ i, rest: share - Math.floor(share) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}
