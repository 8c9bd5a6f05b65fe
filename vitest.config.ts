import { defineConfig } from 'vitest/config';

// Two projects. Unit tests run in parallel worker threads: nothing in them forks a child process
// or relies on its own process id, and threads start and load modules cheaper than forked
// processes (measured: less CPU and wall time for the same files). Tests that start real
// processes (redis-server, chromium, SQL sandbox children, the CLI killed with SIGKILL) run in
// forked workers one file at a time, since they count and kill the children of their process.
const slow = ['tests/**/*.redis.test.ts', 'tests/**/*.browser.test.ts', 'tests/**/*.process.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: slow,
          pool: 'threads',
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
