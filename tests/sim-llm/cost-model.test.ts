import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchSeconds, costModelFromProfile, loadCostModel } from '../../sim-llm/cost-model.ts';
import { GPU_PROFILE } from './sim-fixtures.ts';

describe('GPU cost model from the H100 profile', () => {
  const cost = loadCostModel(GPU_PROFILE);

  it('gives the measured rows back', () => {
    expect(cost.prefillSeconds(1, 1024)).toBeCloseTo(0.043, 9);
    expect(cost.prefillSeconds(64, 1024)).toBeCloseTo(1.71, 9);
    expect(cost.decodeStepSeconds(8)).toBeCloseTo(0.08, 9);
  });

  it('interpolates batch sizes the profile lacks and scales prefill with prompt length', () => {
    expect(cost.prefillSeconds(16, 1024)).toBeCloseTo(0.21 + ((0.86 - 0.21) * 8) / 24, 9);
    expect(cost.prefillSeconds(8, 512)).toBeCloseTo(0.105, 9);
    expect(cost.decodeStepSeconds(2)).toBeCloseTo(0.08, 9);
  });

  it('extrapolates beyond the largest batch from the last two rows', () => {
    expect(cost.prefillSeconds(128, 1024)).toBeCloseTo(1.71 + ((1.71 - 0.86) / 32) * 64, 9);
    expect(cost.decodeStepSeconds(256)).toBeCloseTo(0.08, 9);
  });

  it('prices a static batch as prefill plus one decode step per new token', () => {
    expect(batchSeconds(cost, 8, 1024, 128)).toBeCloseTo(0.21 + 0.08 * 128, 9);
    expect(cost.prefillSeconds(0, 1024)).toBe(0);
  });

  it('rejects a profile it cannot interpolate, naming the file', () => {
    expect(() =>
      costModelFromProfile({ prompt_len: 1024, rows: [{ batch: 1, prefill_s: 1 }] }, 'p.json'),
    ).toThrow(/p\.json needs prefill_s for at least two batch sizes/);
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-profile-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{"rows": [');
      expect(() => loadCostModel(join(dir, 'bad.json'))).toThrow(/cannot read the GPU profile .*bad\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
