import { defineConfig } from 'vitest/config';

// Two projects. Unit tests run in parallel worker threads: nothing in them forks a child process
// or relies on its own process id, and threads start and load modules cheaper than forked
// processes (measured: less CPU and wall time for the same files). They use every core (vitest's
// default leaves one idle: a single worker on a 2-core machine) and share loaded modules between
// files (no per-file isolation: no unit test changes module state another relies on, and an
// environment variable a test sets is removed again or always set to the same value). On the
// 2-core development machine this took `npm run test:unit` from 50 s to 16-20 s, and shuffled
// file orders pass as well. Tests that start real processes (redis-server, postgres, chromium, SQL sandbox children, the CLI killed with SIGKILL) run in
// forked workers one file at a time, since they count and kill the children of their process.
const slow = [
  'tests/**/*.redis.test.ts',
  'tests/**/*.postgres.test.ts',
  'tests/**/*.browser.test.ts',
  'tests/**/*.process.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: slow,
          pool: 'threads',
          maxWorkers: '100%',
          isolate: false,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: slow,
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
