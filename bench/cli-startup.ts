// bench/cli-startup: wall time of a short `r1flow` command, start to exit. Side by side in one run,
// interleaved so machine load hits all alike: `node -e 0` (node's own start), the compiled CLI's
// `--help` and a one-question `vote` (3 candidates on a 2-row SQLite file, one sandbox child), and
// the same two from the sources through tsx (bin/r1flow-dev.js: how `r1flow` started before the
// build, every command imported). Builds dist/ first (`npm run build`) so it measures this checkout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeVoteFixture } from '../tests/package/vote-fixture.ts';
import { writeResult } from './support/results.ts';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 15);
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const build = spawnSync('npm', ['run', 'build', '--silent'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);

const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-cli-'));
const vote = writeVoteFixture(dir);

const COMMANDS: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'r1flow --help': ['bin/r1flow.js', '--help'],
  'r1flow vote (1 question)': ['bin/r1flow.js', ...vote],
  'sources via tsx: --help': ['bin/r1flow-dev.js', '--help'],
  'sources via tsx: vote (1 question)': ['bin/r1flow-dev.js', ...vote],
};

function timeOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, R1FLOW_PLUGINS: '' },
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, []]));
try {
  // One unmeasured round: the OS file cache holds the modules afterwards, as on a used machine.
  for (const args of Object.values(COMMANDS)) timeOnce(args);
  for (let i = 0; i < REPETITIONS; i++) {
    for (const [name, args] of Object.entries(COMMANDS)) samples[name]!.push(timeOnce(args));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
};
const results = Object.fromEntries(
  Object.entries(samples).map(([name, ms]) => [
    name,
    { medianMs: quantile(ms, 0.5), p90Ms: quantile(ms, 0.9) },
  ]),
);
const median = (name: string) => results[name]!.medianMs;
const result = {
  repetitions: REPETITIONS,
  results,
  helpTargetMs: 300,
  helpAboveNodeMs: median('r1flow --help') - median('node -e 0'),
  helpSpeedupVsSources: Number((median('sources via tsx: --help') / median('r1flow --help')).toFixed(1)),
  voteSpeedupVsSources: Number(
    (median('sources via tsx: vote (1 question)') / median('r1flow vote (1 question)')).toFixed(1),
  ),
};
const path = writeResult('cli-startup', 'node bin/run-ts.js bench/cli-startup.ts', result);
for (const [name, r] of Object.entries(results)) {
  process.stdout.write(`${name.padEnd(36)} median ${r.medianMs} ms, p90 ${r.p90Ms} ms\n`);
}
process.stdout.write(`wrote ${path}\n`);
process.stdout.write(
  `--help ${median('r1flow --help')} ms (node -e 0: ${median('node -e 0')} ms, target < 300), ${result.helpSpeedupVsSources}x faster than the sources via tsx; vote ${result.voteSpeedupVsSources}x\n`,
);
