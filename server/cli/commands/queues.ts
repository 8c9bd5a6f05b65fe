// `r1flow queues`: what queue mode is doing now: jobs per lane, throughput, batches, workers.
import type { Lane } from '../../../engine/define-node.ts';
import { DEFAULT_PREFIX } from '../../../workers/queue-keys.ts';
import type { QueueStats } from '../../../workers/queue-stats.ts';
import { queueStats } from '../../../workers/queue-stats.ts';
import { resolveRedisUrl } from '../../../workers/redis-connection.ts';
import { defineCommand } from '../command.ts';
import { parseFlags } from '../options.ts';

const usage = `queues [--redis URL] [--prefix ${DEFAULT_PREFIX}] [--json]`;

export default defineCommand({
  name: 'queues',
  summary: 'Show queue depth, jobs/s, batch sizes and workers of queue mode',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { redis: { type: 'string' }, prefix: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const stats = await queueStats({
      redisUrl: resolveRedisUrl(values.redis),
      prefix: values.prefix ?? DEFAULT_PREFIX,
    });
    process.stdout.write(values.json ? `${JSON.stringify(stats, null, 2)}\n` : formatQueueStats(stats));
    return 0;
  },
});

export function formatQueueStats(stats: QueueStats): string {
  const header = ['lane', 'waiting', 'active', 'delayed', 'failed', 'jobs/s', 'workers'];
  const rows = Object.entries(stats.lanes).map(([lane, s]) => [
    lane as Lane,
    ...[s.waiting, s.active, s.delayed, s.failed, s.completedPerSecond, s.workers].map(String),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`;
  const { batches } = stats;
  const sizes = Object.entries(batches.sizes)
    .map(([bucket, count]) => `${bucket.endsWith('+') ? bucket : `≤${bucket}`}: ${count}`)
    .join(', ');
  const workers = stats.workers.map(
    (w) =>
      `  ${w.id}  lanes ${w.lanes.join(',')}  ${w.inFlightBatches} batch(es) in flight` +
      `${w.stale ? `  (silent for ${Math.round((Date.now() - w.updatedAt) / 1000)} s: gone?)` : ''}\n`,
  );
  return [
    `Redis ${stats.redis} (prefix ${stats.prefix})\n`,
    line(header),
    ...rows.map(line),
    `results waiting for the orchestrator: ${stats.resultsPending}\n`,
    `batches: ${batches.count} (mean ${batches.meanJobs} jobs, ${batches.meanWeight} weight), ${batches.inFlight} in flight` +
      `${sizes ? `; sizes ${sizes}` : ''}\n`,
    `workers (${stats.workers.length}):\n`,
    ...workers,
  ].join('');
}
