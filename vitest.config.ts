import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests run in parallel; tests that start real processes
// (redis-server, chromium, the CLI killed with SIGKILL) run one file at a time.
const slow = ['tests/**/*.redis.test.ts', 'tests/**/*.browser.test.ts', 'tests/**/*.process.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: slow,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: slow,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
