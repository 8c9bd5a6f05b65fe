// `npm run bench`: every benchmark, one after another, each in its own process (so one's JIT,
// heap and open handles do not colour the next). Each writes bench/results/<name>.json and prints
// its key ratio on its last line; this prints those lines together at the end.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  'engine-overhead',
  'nl2sql-throughput',
  'webhook-load',
  'queue-overhead',
  'scale-out',
  'batching',
  'editor',
  'cli-startup',
  'sql-fairness',
  'warehouse-exec',
  'vote-selection',
];
const only = process.argv.slice(2);
const runner = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const summary: string[] = [];
let failed = 0;

for (const name of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b))) {
  process.stderr.write(`\n=== bench/${name} ===\n`);
  const result = spawnSync(
    process.execPath,
    [runner, fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  );
  process.stdout.write(result.stdout);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status === 0) summary.push(`${name}: ${last}`);
  else {
    failed++;
    summary.push(`${name}: FAILED (exit ${result.status})`);
  }
}
process.stdout.write(`\n${summary.join('\n')}\n`);
process.exitCode = failed === 0 ? 0 : 1;
