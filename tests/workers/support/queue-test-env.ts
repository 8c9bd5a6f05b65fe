// What every queue-mode test file needs, set up once: a redis-server for the file, and harnesses
// and processes that are closed or killed after each test.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RedisServer } from '../../support/redis-server.ts';
import { startRedisServer } from '../../support/redis-server.ts';
import type { TestProcess } from './processes.ts';
import { startWorkerProcess } from './processes.ts';
import type { QueueHarness } from './queue-harness.ts';
import { createQueueHarness } from './queue-harness.ts';

export interface QueueTestEnv {
  redis(): RedisServer;
  /** A queue-mode engine on this file's Redis, closed after the test. */
  harness(options?: Parameters<typeof createQueueHarness>[1]): Promise<QueueHarness>;
  /** An `r1flow worker` process on `prefix` (lanes cpu unless `args` say otherwise), killed after the test. */
  worker(prefix: string, args?: string[], env?: Record<string, string>): TestProcess;
  /** Kills `process` after the test. */
  track(process: TestProcess): TestProcess;
}

export function setUpQueueTests(): QueueTestEnv {
  let redis: RedisServer | undefined;
  const harnesses: QueueHarness[] = [];
  const processes: TestProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill('SIGKILL')));
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  });
  const env: QueueTestEnv = {
    redis: () => redis!,
    async harness(options) {
      const harness = await createQueueHarness(redis!.url, options);
      harnesses.push(harness);
      return harness;
    },
    worker(prefix, args = [], processEnv = {}) {
      const lanes = args.includes('--lanes') ? [] : ['--lanes', 'cpu'];
      return env.track(
        startWorkerProcess(['--redis', redis!.url, '--prefix', prefix, ...lanes, ...args], processEnv),
      );
    },
    track(process) {
      processes.push(process);
      return process;
    },
  };
  return env;
}
