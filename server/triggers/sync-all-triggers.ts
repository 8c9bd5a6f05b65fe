// At start-up, every flow's triggers are brought in line with its latest version (flows saved by
// `r1flow run` or imported from examples have not been synced by the API).
import type { Store } from '../../engine/store/store.ts';
import type { NewTriggerSecret, TriggerStore } from './trigger-store.ts';

export async function syncAllTriggers(
  store: Store,
  triggers: TriggerStore,
): Promise<(NewTriggerSecret & { flowId: string })[]> {
  const created: (NewTriggerSecret & { flowId: string })[] = [];
  for (const flow of await store.listFlows()) {
    const version = await store.getFlowVersion(flow.id);
    if (!version) continue;
    try {
      await triggers.checkPaths(version.document);
    } catch {
      continue; // another flow already serves this path; the API refuses such saves
    }
    for (const secret of await triggers.sync({ ...version.document, version: version.version })) {
      created.push({ ...secret, flowId: flow.id });
    }
  }
  return created;
}
