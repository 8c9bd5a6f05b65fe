// A real engine for tests: a SQLite store in a temp dir, the inline transport and an orchestrator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyNodeDefinition, Logger } from '../../engine/define-node.ts';
import type { FlowDocumentInput } from '../../engine/flow-schema.ts';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import type { StartRunRequest } from '../../engine/scheduler/orchestrator.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import type { LaneOptions } from '../../engine/transports/lane-options.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { TEST_NODES } from './test-nodes.ts';

export interface Harness {
  dir: string;
  store: SqliteStore;
  transport: InlineTransport;
  orchestrator: Orchestrator;
  run(flow: FlowDocumentInput, input?: unknown, extra?: Partial<StartRunRequest>): Promise<string>;
  finished(runId: string): ReturnType<SqliteStore['getRun']>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  lanes?: Partial<Record<'cpu' | 'llm' | 'sql' | 'io', Partial<LaneOptions>>>;
  /** Node types beside the test nodes. */
  nodes?: AnyNodeDefinition[];
  maxOutputBytes?: number;
  /** Builds the store (e.g. a SqliteStore subclass that fails chosen commits). */
  createStore?: (path: string) => SqliteStore;
  logger?: Logger;
  /** Settings, secrets and connections the nodes see; the process environment when absent. */
  settings?: HostSettings;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-test-'));
  const path = join(dir, 'r1flow.db');
  const store = options.createStore?.(path) ?? new SqliteStore(path);
  const registry = createNodeRegistry([...TEST_NODES, ...(options.nodes ?? [])]);
  const transport = new InlineTransport({
    registry,
    ...(options.lanes ? { lanes: options.lanes } : {}),
    ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const orchestrator = new Orchestrator({
    store,
    transport,
    registry,
    maintainEveryMs: 100,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await orchestrator.start();
  return {
    dir,
    store,
    transport,
    orchestrator,
    async run(flow, input = {}, extra = {}) {
      const saved = await store.saveFlow(FlowDocumentSchema.parse(flow));
      const run = await orchestrator.startRun({
        flowId: saved.flowId,
        version: saved.version,
        input,
        ...extra,
      });
      return run.id;
    },
    async finished(runId) {
      await orchestrator.waitForRun(runId, 20_000);
      return store.getRun(runId);
    },
    async close() {
      await orchestrator.close();
      await transport.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type StepParams = Record<string, unknown>;

/** A flow from a compact description: nodes `id: [type, params, options]`, edges `a.out->b.in`. */
export function flowOf(
  nodes: Record<string, [string, StepParams?, Record<string, unknown>?]>,
  edges: string[] = [],
  id = 'test-flow',
): FlowDocumentInput {
  return {
    id,
    name: id,
    nodes: Object.entries(nodes).map(([nodeId, [type, params = {}, options = {}]]) => ({
      id: nodeId,
      type: type.includes('@') ? type : `${type}@1`,
      params,
      options,
    })),
    edges: edges.map((edge, index) => {
      const [from, to] = edge.split('->') as [string, string];
      const [fromNode, fromPort] = from.split('.') as [string, string];
      const [toNode, toPort] = to.split('.') as [string, string];
      return {
        id: `e${index}`,
        from: { node: fromNode, port: fromPort },
        to: { node: toNode, port: toPort },
      };
    }),
  };
}
