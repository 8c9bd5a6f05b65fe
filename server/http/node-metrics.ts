// Node durations by node type as a Prometheus histogram, and what nodes cost (tokens, model and
// SQL time, rows) as counters per flow and node, fed by the run event log as it commits.
import { COST_FIELDS, type NodeCost } from '../../engine/node-cost.ts';
import type { RunEvent } from '../../engine/store/records.ts';

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

interface Histogram {
  counts: number[];
  sum: number;
  total: number;
}

/** Each cost field as a Prometheus counter: its name, help, and the factor from NodeCost's unit. */
const COST_COUNTERS: Record<keyof NodeCost, { name: string; help: string; scale: number }> = {
  tokensIn: { name: 'r1flow_node_tokens_in_total', help: 'Model prompt tokens by flow and node.', scale: 1 },
  tokensOut: {
    name: 'r1flow_node_tokens_out_total',
    help: 'Model generated tokens by flow and node.',
    scale: 1,
  },
  modelMs: {
    name: 'r1flow_node_model_seconds_total',
    help: 'Time spent waiting for the model by flow and node.',
    scale: 1 / 1000,
  },
  sqlMs: {
    name: 'r1flow_node_sql_seconds_total',
    help: 'Time spent running SQL by flow and node.',
    scale: 1 / 1000,
  },
  rows: { name: 'r1flow_node_sql_rows_total', help: 'Rows returned by SQL by flow and node.', scale: 1 },
};

/** Attempt events that carry what the attempt cost. */
const COSTED_EVENTS = new Set<RunEvent['type']>(['node.succeeded', 'node.failed', 'node.retrying']);

/** How many runs' flow ids are remembered (events of one run arrive close together). */
const FLOW_CACHE_SIZE = 1000;

export interface NodeMetricsSources {
  /** A node's type (the store's node key for that run). */
  typeOf: (runId: string, nodeId: string) => Promise<string | null>;
  /** The flow a run belongs to. */
  flowOf: (runId: string) => Promise<string | null>;
}

export class NodeMetrics {
  readonly #byType = new Map<string, Histogram>();
  readonly #failures = new Map<string, number>();
  /** `flow\u0000node` → cost so far. */
  readonly #costs = new Map<string, NodeCost>();
  readonly #flows = new Map<string, string>();
  readonly #sources: NodeMetricsSources;

  constructor(sources: NodeMetricsSources) {
    this.#sources = sources;
  }

  async record(events: readonly RunEvent[]): Promise<void> {
    for (const event of events) {
      if (event.nodeId && COSTED_EVENTS.has(event.type) && event.data?.cost) {
        await this.#recordCost(event.runId, event.nodeId, event.data.cost as NodeCost);
      }
      if (!event.nodeId || (event.type !== 'node.failed' && event.type !== 'node.succeeded')) continue;
      // A store closed under a late event leaves the sample unlabelled rather than unhandled.
      const type = (await this.#sources.typeOf(event.runId, event.nodeId).catch(() => null)) ?? 'unknown';
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

  async #recordCost(runId: string, nodeId: string, cost: NodeCost): Promise<void> {
    let flow = this.#flows.get(runId);
    if (flow === undefined) {
      flow = (await this.#sources.flowOf(runId).catch(() => null)) ?? 'unknown';
      if (this.#flows.size >= FLOW_CACHE_SIZE) this.#flows.delete(this.#flows.keys().next().value!);
      this.#flows.set(runId, flow);
    }
    const key = `${flow}\u0000${nodeId}`;
    const sum = this.#costs.get(key) ?? { tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 0, rows: 0 };
    for (const field of COST_FIELDS) sum[field] += Number(cost[field] ?? 0);
    this.#costs.set(key, sum);
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
    for (const field of COST_FIELDS) {
      const { name, help, scale } = COST_COUNTERS[field];
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, cost] of this.#costs) {
        const [flow, node] = key.split('\u0000') as [string, string];
        lines.push(`${name}{flow="${labelValue(flow)}",node="${labelValue(node)}"} ${cost[field] * scale}`);
      }
    }
    return lines;
  }
}

/** A Prometheus label value: backslashes, quotes and line breaks escaped. */
function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
