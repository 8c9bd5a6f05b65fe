// What `r1flow start` sets up on a fresh machine so the demo works with no configuration: the
// demo warehouse, a simulated model server on the demo replay when no model server is configured,
// and the example flows.
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../../engine/define-node.ts';
import { FlowDocumentSchema } from '../../engine/flow-schema.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import { packagePath } from '../../engine/package-root.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { Store } from '../../engine/store/store.ts';
import { validateFlow } from '../../engine/validate-flow.ts';
import { WAREHOUSE_ENV } from '../../nodes/warehouse/resolve-warehouse.ts';
import { startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { ensureDemoWarehouse } from './build-warehouse.ts';

export const EXAMPLE_FLOWS_DIR = packagePath('examples/flows/');
export const DEMO_REPLAY = packagePath('examples/replay/demo.jsonl');
export const LLM_URL_ENV = 'R1FLOW_LLM_URL';

/** Builds the demo warehouse when no warehouse is configured; returns the path nodes should use. */
export function ensureWarehouse(settings: HostSettings): string {
  return settings.setting(WAREHOUSE_ENV) ?? ensureDemoWarehouse();
}

/** Where nodes look for a model server when none is configured (vLLM's default port). */
export const DEFAULT_LLM_PORT = 8000;

/**
 * With no model server configured, starts the simulated one on the demo replay (scripted answers)
 * for the caller to point the nodes at. It takes port 8000 when free, the URL nodes use by default,
 * so `r1flow run` in another terminal reaches it too. Returns its URL and how to stop it, or null
 * when a real server is configured.
 */
export async function ensureModelServer(
  settings: HostSettings,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> } | null> {
  if (settings.setting(LLM_URL_ENV)) return null;
  const sim = await startSimLlm({ replayPath: DEMO_REPLAY, port: DEFAULT_LLM_PORT }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      logger.warn(`port ${DEFAULT_LLM_PORT} is taken; the simulated model server listens on another port`);
      return startSimLlm({ replayPath: DEMO_REPLAY, port: 0 });
    },
  );
  logger.info('no model server configured: answering from the scripted demo replay', {
    url: sim.url,
    forOtherTerminals: `R1FLOW_LLM_URL=${sim.url}`,
  });
  return sim;
}

/** Imports example flows whose ids the store does not have yet (first start). */
export async function importExampleFlows(
  store: Store,
  registry: NodeRegistry,
  logger: Logger,
): Promise<string[]> {
  const imported: string[] = [];
  for (const file of readdirSync(EXAMPLE_FLOWS_DIR)
    .filter((f) => f.endsWith('.flow.json'))
    .sort()) {
    const document = JSON.parse(readFileSync(`${EXAMPLE_FLOWS_DIR}${file}`, 'utf8')) as { id?: string };
    if (!document.id || (await store.getFlow(document.id))) continue;
    const result = validateFlow(document, registry);
    if (!result.ok) {
      logger.warn('an example flow is invalid and was not imported', { file, issues: result.issues.length });
      continue;
    }
    const version = await store.saveFlow(FlowDocumentSchema.parse(result.flow.document));
    // Examples are ready to use: published, so their webhooks and schedules work from the start.
    await store.publishVersion(version.flowId, version.version, { by: null, note: 'example flow' });
    imported.push(document.id);
  }
  return imported;
}
