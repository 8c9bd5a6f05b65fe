// Benchmarks write what they measured, with the command that measured it, to bench/results/.
// Paths in a result are relative to the repository root: the results are committed, and a path
// of the machine that measured them means nothing in another clone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A file of this repository as a committed result names it: relative to the repository root. */
export function repoPath(path: string): string {
  const inRepo = relative(REPO_ROOT, path);
  if (inRepo.startsWith('..') || isAbsolute(inRepo)) {
    throw new Error(`${path} is outside the repository; a committed benchmark result cannot name it`);
  }
  return inRepo;
}

export function writeResult(name: string, command: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.json`;
  const record = {
    benchmark: name,
    command,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    ...result,
  };
  const text = JSON.stringify(
    record,
    (key, value) => {
      if (typeof value === 'string' && isAbsolute(value)) {
        throw new Error(
          `benchmark result "${name}" field "${key}" is an absolute path (${value}); use repoPath()`,
        );
      }
      return value;
    },
    2,
  );
  writeFileSync(path, `${text}\n`);
  return path;
}
