// Everything a process needs to drive runs with the inline transport: the store, the node
// registry, the transport and the orchestrator, closed in the right order.
import { resolve } from 'node:path';
import type { Logger } from '../../engine/define-node.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import { environmentSettings, withSettings } from '../../engine/host-settings.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import { ResourcePool } from '../../engine/resources.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { Transport } from '../../engine/transport.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import { STORE_PATH_ENV } from '../../nodes/warehouse/data-dir.ts';
import { loadNodeRegistry } from './node-plugins.ts';

export interface Runtime {
  store: SqliteStore;
  registry: NodeRegistry;
  resources: ResourcePool;
  /** What nodes run here see: the given settings plus the store's path. */
  settings: HostSettings;
  transport: Transport;
  orchestrator: Orchestrator;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  dbPath: string;
  /** Another transport (queue mode); inline when absent. */
  transport?: (registry: NodeRegistry, resources: ResourcePool, settings: HostSettings) => Transport;
  /** The host's settings and secrets (environment, CLI flags, demo defaults); the environment when absent. */
  settings?: HostSettings;
  logger?: Logger;
  leaseMs?: number;
  /** False for one-shot commands that drive only their own run. */
  adoptOrphans?: boolean;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const registry = await loadNodeRegistry();
  const store = new SqliteStore(options.dbPath);
  // Nodes never open the store as a warehouse, and by default keep flow paths beside it.
  const settings = withSettings(options.settings ?? environmentSettings, {
    [STORE_PATH_ENV]: resolve(options.dbPath),
  });
  const resources = new ResourcePool();
  const transport =
    options.transport?.(registry, resources, settings) ??
    new InlineTransport({
      registry,
      resources,
      settings,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  const orchestrator = new Orchestrator({
    store,
    transport,
    registry,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.adoptOrphans === undefined ? {} : { adoptOrphans: options.adoptOrphans }),
  });
  return {
    store,
    registry,
    resources,
    settings,
    transport,
    orchestrator,
    async close() {
      await orchestrator.close();
      await transport.close();
      await resources.disposeAll();
      await store.close();
    },
  };
}
