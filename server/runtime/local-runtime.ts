// Everything a process needs to drive runs with the inline transport: the store, the node
// registry, the transport and the orchestrator, closed in the right order. Nodes resolve named
// connections from the store, opened with the server's key. The store is a SQLite file or a shared
// postgres:// store (openStore); only a file store anchors the data directory and is hidden from nodes.
import { resolve } from 'node:path';
import type { Logger } from '../../engine/define-node.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import { environmentSettings, withSettings } from '../../engine/host-settings.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import { ResourcePool } from '../../engine/resources.ts';
import { Orchestrator } from '../../engine/scheduler/orchestrator.ts';
import { isStoreUrl, openStore } from '../../engine/store/open-store.ts';
import type { Store } from '../../engine/store/store.ts';
import type { Transport } from '../../engine/transport.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import { dataDirectory, STORE_PATH_ENV } from '../../nodes/warehouse/data-dir.ts';
import { loadServerSecret } from '../auth/server-secret.ts';
import { Connections, filesInDataDir } from '../connections/connections.ts';
import { loadNodeRegistry } from './node-plugins.ts';

export interface Runtime {
  store: Store;
  registry: NodeRegistry;
  resources: ResourcePool;
  /** What nodes run here see: the given settings plus a file store's path and the store's connections. */
  settings: HostSettings;
  /** The store's named connections, sealed with the server's key. */
  connections: Connections;
  transport: Transport;
  orchestrator: Orchestrator;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** A SQLite file path or a postgres:// URL (see openStore). */
  storeLocation: string;
  /** Another transport (queue mode); inline when absent. */
  transport?: (registry: NodeRegistry, resources: ResourcePool, settings: HostSettings) => Transport;
  /** The host's settings and secrets (environment, CLI flags, demo defaults); the environment when absent. */
  settings?: HostSettings;
  logger?: Logger;
  /** Seals connection URLs; by default R1FLOW_SECRET_KEY or the store's secret.key (loadServerSecret), read on first use. */
  serverKey?: Buffer;
  leaseMs?: number;
  /** False for one-shot commands that drive only their own run. */
  adoptOrphans?: boolean;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const registry = await loadNodeRegistry();
  const { storeLocation, serverKey } = options;
  const store = await openStore(storeLocation);
  // Nodes never open a store file as a warehouse, and by default keep flow paths beside it.
  const given = options.settings ?? environmentSettings;
  const base = isStoreUrl(storeLocation)
    ? given
    : withSettings(given, { [STORE_PATH_ENV]: resolve(storeLocation) });
  const dataDir = dataDirectory(base.setting);
  // Files named through the API follow the flow params' rule: inside the data directory.
  const connections = new Connections(
    store.connections,
    () => serverKey ?? loadServerSecret(storeLocation, dataDir).key,
    { baseDir: dataDir, checkFile: filesInDataDir(base.setting) },
  );
  const settings: HostSettings = { ...base, connection: base.connection ?? connections.lookup };
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
    connections,
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
