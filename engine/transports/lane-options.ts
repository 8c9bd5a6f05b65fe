// Per-lane limits of a node-running process, with defaults suited to a small host: SQL and model
// lanes are bounded by the warehouse and GPU, not by this process.
import type { Lane } from '../define-node.ts';

export interface LaneOptions {
  /** Work units (single jobs or batches) running at once. */
  concurrency: number;
  /** Largest batch weight for `runBatch` nodes (weight = e.g. samples per question). */
  maxBatchSize: number;
  /** How long the first job of a batch waits for more, in ms. */
  maxWaitMs: number;
}

export const DEFAULT_LANE_OPTIONS: Readonly<Record<Lane, LaneOptions>> = {
  cpu: { concurrency: 16, maxBatchSize: 64, maxWaitMs: 2 },
  sql: { concurrency: 4, maxBatchSize: 16, maxWaitMs: 2 },
  llm: { concurrency: 4, maxBatchSize: 64, maxWaitMs: 20 },
  io: { concurrency: 16, maxBatchSize: 64, maxWaitMs: 2 },
};

export function compileLaneOptions(
  overrides: Partial<Record<Lane, Partial<LaneOptions>>> = {},
): Record<Lane, LaneOptions> {
  const out = {} as Record<Lane, LaneOptions>;
  for (const lane of Object.keys(DEFAULT_LANE_OPTIONS) as Lane[]) {
    const merged = { ...DEFAULT_LANE_OPTIONS[lane], ...overrides[lane] };
    for (const [name, value] of Object.entries(merged)) {
      if (!Number.isFinite(value) || value < (name === 'maxWaitMs' ? 0 : 1)) {
        throw new RangeError(
          `lane ${lane}: ${name} must be a number >= ${name === 'maxWaitMs' ? 0 : 1}, got ${value}`,
        );
      }
    }
    out[lane] = merged;
  }
  return out;
}
