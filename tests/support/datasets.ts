// The data the tests and benchmarks use, vendored in the repository's datasets/ folder so a
// fresh clone has everything: the Spider dev subset with the recorded answers of eight
// systems, and the measured GPU batching profile sim-llm delays batches by.
import { fileURLToPath } from 'node:url';

export const SPIDER_DEV_DIR = fileURLToPath(new URL('../../datasets/spider-dev', import.meta.url));
export const GPU_PROFILE = fileURLToPath(
  new URL('../../datasets/gpu-profiles/h100-qwen2.5-coder-7b.json', import.meta.url),
);
