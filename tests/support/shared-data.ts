// Where the shared datasets and GPU profile live: $R1FLOW_SHARED_DIR, else `shared/` beside the
// repository (the layout of a developer checkout), else /work/shared (a clone made elsewhere on
// the same machine, e.g. a CI check in /tmp).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function locateShared(): string | undefined {
  const candidates = [
    process.env.R1FLOW_SHARED_DIR,
    fileURLToPath(new URL('../../../shared', import.meta.url)),
    '/work/shared',
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'datasets')));
}

export const SHARED_DIR = locateShared() ?? '/work/shared';
export const SPIDER_DEV_DIR = process.env.SPIDER_DEV_DIR ?? join(SHARED_DIR, 'datasets', 'spider-dev');
export const GPU_PROFILE = process.env.GPU_PROFILE ?? join(SHARED_DIR, 'gpu', 'h100-qwen2.5-coder-7b.json');
