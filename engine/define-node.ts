// The node plugin contract: a node type is frozen plain data plus functions. Everything a node
// needs arrives through its argument (`params`, `inputs`, `ctx`), so it runs the same in the
// inline transport, a BullMQ worker on another host, or a test.
import type { z } from 'zod';
import type { RunAccess } from './actor.ts';
import type { ResolvedConnection } from './connections.ts';
import type { CostReport } from './node-cost.ts';
import type { Ports, PortValues } from './ports.ts';
import type { ResourceScope } from './resources.ts';
import type { SqlAuditReport } from './sql-audit.ts';

/** Which worker queue runs a node: CPU-bound work, warehouse SQL, model inference, other I/O. */
export type Lane = 'cpu' | 'sql' | 'llm' | 'io';
export const LANES: readonly Lane[] = ['cpu', 'sql', 'llm', 'io'];

export type NodeFamily = 'trigger' | 'schema' | 'llm' | 'sql' | 'warehouse' | 'control' | 'http' | 'output';

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface NodeProgress {
  message?: string;
  /** 0..1 when the node knows how far it is. */
  fraction?: number;
  data?: Record<string, unknown>;
}

export interface NodeContext {
  readonly runId: string;
  readonly nodeId: string;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * 1 when this attempt is handed to a node the first time; 2, 3, … when a transport delivers the
   * same attempt again (a queue worker died mid-job), so a node can tell a redelivery from a retry.
   */
  readonly delivery: number;
  /** Aborted on cancel and on timeout; long work should pass it on (fetch) or check it. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  progress(update: NodeProgress): void;
  /**
   * Adds to what this attempt cost (model tokens and wait, SQL time and rows); reports add up.
   * A node sharing one model call among batched runs reports each run's share on its own ctx.
   */
  cost(report: CostReport): void;
  /**
   * A setting of the host running the node (model server URL, warehouse, data directory), never
   * stored with the flow; undefined when unset.
   */
  setting(name: string): string | undefined;
  /** A credential of the host (API key, token), never stored with the flow; undefined when unset. */
  secret(name: string): string | undefined;
  /**
   * A named connection of the host (warehouse, model server, vector store) with its URL; rejects
   * with CONNECTION_NOT_FOUND. The URL may hold a password: never put it in an output or a log.
   */
  connection(name: string): Promise<ResolvedConnection>;
  /** Long-lived per-process resources (connection pools, indexes), created once, disposed on shutdown. */
  readonly resources: ResourceScope;
  /** The run's input as given when it started; trigger nodes turn it into outputs. */
  readonly runInput: unknown;
  /**
   * The limits of whoever started the run (tables per connection, a database role), applied on
   * top of the node's own params; null when the caller brought none.
   */
  readonly access: RunAccess | null;
  /**
   * Reports a SQL statement this node sent to a warehouse, for the audit log (run, node and attempt
   * are added). Every node that runs SQL calls it once per statement, whatever the outcome.
   */
  auditSql(report: SqlAuditReport): void;
}

export interface NodeInvocation<Params, Inputs> {
  params: Params;
  inputs: Inputs;
  ctx: NodeContext;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface NodeDefinitionInput<P extends z.ZodType, I extends Ports, O extends Ports> {
  type: string;
  version: number;
  title: string;
  family: NodeFamily;
  lane: Lane;
  description?: string;
  params: P;
  inputs: I;
  outputs: O;
  /**
   * Extra output ports that depend on the params (e.g. a trigger's input fields). Evaluated at
   * validation time with parsed params; names must not clash with `outputs`.
   */
  dynamicOutputs?: (params: z.output<P>) => Ports;
  /**
   * Trigger nodes: what a run's input must look like. The engine checks a run's input against it
   * before the run is created (RUN_BAD_INPUT), and webhooks answer 400 with the failing paths.
   */
  inputSchema?: (params: z.output<P>) => z.ZodType;
  /**
   * The params a node placed from the editor's palette starts with (e.g. a trigger's `question`
   * field; may leave out required params). Only a starting point: flow files are never filled in
   * from it.
   */
  starterParams?: Partial<z.input<P>>;
  run(invocation: NodeInvocation<z.output<P>, PortValues<I>>): Promise<NodeOutputs<O>>;
  /** Many runs' calls at once; results in the same order, each ok or error. */
  runBatch?: (items: NodeInvocation<z.output<P>, PortValues<I>>[]) => Promise<Settled<NodeOutputs<O>>[]>;
  /** Only items with equal keys share a batch. */
  batchKey?: (params: z.output<P>) => string;
  /** An item's share of `maxBatchSize` (e.g. its number of samples). Default 1. */
  batchWeight?: (params: z.output<P>) => number;
}

/** Outputs a node returns: declared ports plus any dynamic ones. */
export type NodeOutputs<O extends Ports> = PortValues<O> & Record<string, unknown>;

export interface NodeDefinition<
  P extends z.ZodType = z.ZodType,
  I extends Ports = Ports,
  O extends Ports = Ports,
> extends Readonly<NodeDefinitionInput<P, I, O>> {
  readonly kind: 'node-definition';
  /** `type@version`, the registry key. */
  readonly key: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry stores definitions of every shape.
export type AnyNodeDefinition = NodeDefinition<any, any, any>;

const TYPE_PATTERN = /^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;

export function defineNode<P extends z.ZodType, I extends Ports, O extends Ports>(
  definition: NodeDefinitionInput<P, I, O>,
): NodeDefinition<P, I, O> {
  if (!TYPE_PATTERN.test(definition.type)) {
    throw new TypeError(`node type "${definition.type}" must look like "family.name" (lower-case, dotted)`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new TypeError(`node type "${definition.type}" needs an integer version >= 1`);
  }
  return Object.freeze({
    ...definition,
    kind: 'node-definition' as const,
    key: nodeKey(definition.type, definition.version),
  });
}

export function nodeKey(type: string, version: number): string {
  return `${type}@${version}`;
}
