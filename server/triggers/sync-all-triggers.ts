// At start-up, every flow's triggers are brought in line with its published version (examples
// imported at first start have not been synced by the API); a flow never published has none.
import type { Store } from '../../engine/store/store.ts';
import type { NewTriggerSecret, TriggerStore } from './trigger-store.ts';

export async function syncAllTriggers(
  store: Store,
  triggers: TriggerStore,
): Promise<(NewTriggerSecret & { flowId: string })[]> {
  const created: (NewTriggerSecret & { flowId: string })[] = [];
  for (const flow of await store.listFlows()) {
    const version =
      flow.publishedVersion === null ? null : await store.getFlowVersion(flow.id, flow.publishedVersion);
    if (!version) {
      await triggers.removeFlow(flow.id);
      continue;
    }
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
