// An `r1flow worker`-equivalent process for queue-mode benchmarks: no-op nodes on the cpu lane,
// concurrency 50, one queue worker per prefix given (each prefix is one orchestrator's queues).
//   node bin/run-ts.js bench/support/r1flow-worker.ts REDIS_URL PREFIX [PREFIX…]
// Started by startR1flowWorker (processes.ts), which reads its "ready" and CPU lines.
import { ResourcePool } from '../../engine/resources.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { startQueueWorker } from '../../workers/start-worker.ts';
import { noopNode } from './noop-node.ts';
import { serveUntilSigterm, WORKER_CONCURRENCY } from './processes.ts';

const [redisUrl, ...prefixes] = process.argv.slice(2);
if (redisUrl && prefixes.length > 0) {
  const resources = new ResourcePool();
  const registry = createNodeRegistry([noopNode]);
  const workers = await Promise.all(
    prefixes.map((prefix) =>
      startQueueWorker({
        redisUrl,
        prefix,
        lanes: ['cpu'],
        concurrency: WORKER_CONCURRENCY,
        registry,
        resources,
      }),
    ),
  );
  await serveUntilSigterm();
  await Promise.all(workers.map((worker) => worker.close()));
  await resources.disposeAll();
}
