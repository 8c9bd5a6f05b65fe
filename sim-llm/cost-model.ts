// The GPU cost model sim-llm delays batches by, read from a measured batching profile
// (datasets/gpu-profiles/h100-qwen2.5-coder-7b.json: prefill and decode-step seconds per batch size for
// a 1024-token prompt). batch_time(b, prompt, new) ≈ prefill_s(b) * prompt/1024 + decode_step_s(b) * new.
// Batch sizes the profile lacks are interpolated linearly (prefill is about linear in the batch,
// a decode step about flat) and extrapolated from the nearest two rows.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { R1flowError } from '../engine/errors.ts';

export interface CostModel {
  /** Seconds to prefill `batch` sequences whose prompts average `promptTokens` tokens. */
  prefillSeconds(batch: number, promptTokens: number): number;
  /** Seconds of one decode step (one token for every running sequence) with `batch` sequences running. */
  decodeStepSeconds(batch: number): number;
}

/** No profile: every batch is answered at once. */
export const FREE_COST_MODEL: CostModel = { prefillSeconds: () => 0, decodeStepSeconds: () => 0 };

const ProfileSchema = z.object({
  prompt_len: z.number().positive(),
  rows: z.array(
    z.object({
      batch: z.number().int().positive(),
      prefill_s: z.number().nonnegative().optional(),
      decode_step_s: z.number().nonnegative().optional(),
    }),
  ),
});

export function loadCostModel(path: string): CostModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `cannot read the GPU profile ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return costModelFromProfile(json, path);
}

export function costModelFromProfile(json: unknown, source: string): CostModel {
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) {
    throw new R1flowError('CONFIG_INVALID', `GPU profile ${source}: ${z.prettifyError(parsed.error)}`);
  }
  const { prompt_len: promptLength, rows } = parsed.data;
  const prefill = pointsOf(rows, 'prefill_s', source);
  const decodeStep = pointsOf(rows, 'decode_step_s', source);
  return {
    prefillSeconds: (batch, promptTokens) =>
      batch === 0 ? 0 : interpolate(prefill, batch) * (promptTokens / promptLength),
    decodeStepSeconds: (batch) => (batch === 0 ? 0 : interpolate(decodeStep, batch)),
  };
}

/** What one static batch costs: the "ideal" a benchmark compares throughput with. */
export function batchSeconds(
  model: CostModel,
  batch: number,
  promptTokens: number,
  newTokens: number,
): number {
  return model.prefillSeconds(batch, promptTokens) + model.decodeStepSeconds(batch) * newTokens;
}

type Point = readonly [batch: number, seconds: number];

function pointsOf(
  rows: z.output<typeof ProfileSchema>['rows'],
  field: 'prefill_s' | 'decode_step_s',
  source: string,
): Point[] {
  const points = rows
    .flatMap((row): Point[] => (row[field] === undefined ? [] : [[row.batch, row[field]]]))
    .sort((a, b) => a[0] - b[0]);
  const batches = new Set(points.map(([batch]) => batch));
  if (batches.size < 2 || batches.size < points.length) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `GPU profile ${source} needs ${field} for at least two batch sizes, each given once`,
    );
  }
  return points;
}

/** Piecewise linear through the points, extended by the first and last segments, never negative. */
function interpolate(points: Point[], x: number): number {
  let segment = 0;
  while (segment < points.length - 2 && x > points[segment + 1]![0]) segment++;
  const [x0, y0] = points[segment]!;
  const [x1, y1] = points[segment + 1]!;
  return Math.max(0, y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
}
