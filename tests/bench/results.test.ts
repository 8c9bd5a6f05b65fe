import { describe, expect, it } from 'vitest';
import { repoPath } from '../../bench/support/results.ts';
import { GPU_PROFILE } from '../support/datasets.ts';

describe('benchmark results name repository files relative to its root', () => {
  it('turns a file of the repository into its repository path', () => {
    expect(repoPath(GPU_PROFILE)).toBe('datasets/gpu-profiles/h100-qwen2.5-coder-7b.json');
  });

  it('refuses a file outside the repository', () => {
    expect(() => repoPath('/tmp/elsewhere.json')).toThrow(/outside the repository/);
  });
});
