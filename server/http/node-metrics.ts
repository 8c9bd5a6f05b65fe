// Node durations by node type as a Prometheus histogram, fed by the run event log as it commits.
import type { RunEvent } from '../../engine/store/records.ts';

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

interface Histogram {
  counts: number[];
  sum: number;
  total: number;
}

export class NodeMetrics {
  readonly #byType = new Map<string, Histogram>();
  readonly #failures = new Map<string, number>();
  readonly #typeOf: (runId: string, nodeId: string) => Promise<string | null>;

  /** `typeOf` names a node's type (the store's node key for that run). */
  constructor(typeOf: (runId: string, nodeId: string) => Promise<string | null>) {
    this.#typeOf = typeOf;
  }

  async record(events: readonly RunEvent[]): Promise<void> {
    for (const event of events) {
      if (!event.nodeId || (event.type !== 'node.failed' && event.type !== 'node.succeeded')) continue;
      // A store closed under a late event leaves the sample unlabelled rather than unhandled.
      const type = (await this.#typeOf(event.runId, event.nodeId).catch(() => null)) ?? 'unknown';
      if (event.type === 'node.failed') {
        this.#failures.set(type, (this.#failures.get(type) ?? 0) + 1);
        continue;
      }
      const ms = Number(event.data?.durationMs ?? 0);
      let histogram = this.#byType.get(type);
      if (!histogram) {
        histogram = { counts: BUCKETS_MS.map(() => 0), sum: 0, total: 0 };
        this.#byType.set(type, histogram);
      }
      BUCKETS_MS.forEach((bucket, i) => {
        if (ms <= bucket) histogram.counts[i]! += 1;
      });
      histogram.sum += ms / 1000;
      histogram.total += 1;
    }
  }

  prometheusLines(): string[] {
    const lines = [
      '# HELP r1flow_node_duration_seconds Node execution time by node type (succeeded attempts).',
      '# TYPE r1flow_node_duration_seconds histogram',
    ];
    for (const [type, h] of this.#byType) {
      BUCKETS_MS.forEach((bucket, i) => {
        lines.push(
          `r1flow_node_duration_seconds_bucket{type="${type}",le="${bucket / 1000}"} ${h.counts[i]}`,
        );
      });
      lines.push(`r1flow_node_duration_seconds_bucket{type="${type}",le="+Inf"} ${h.total}`);
      lines.push(`r1flow_node_duration_seconds_sum{type="${type}"} ${h.sum}`);
      lines.push(`r1flow_node_duration_seconds_count{type="${type}"} ${h.total}`);
    }
    lines.push(
      '# HELP r1flow_node_failures_total Failed node attempts by node type.',
      '# TYPE r1flow_node_failures_total counter',
    );
    for (const [type, count] of this.#failures)
      lines.push(`r1flow_node_failures_total{type="${type}"} ${count}`);
    return lines;
  }
}
