// Saving a flow only when it changed, so re-running the same file or re-importing the examples
// does not pile up identical versions.
import { sameFlowContent } from './flow-content.ts';
import type { FlowDocument } from './flow-schema.ts';
import type { FlowVersion } from './store/records.ts';
import type { Store } from './store/store.ts';

export async function saveFlowIfChanged(
  store: Store,
  document: FlowDocument,
): Promise<FlowVersion & { created: boolean }> {
  const latest = await store.getFlowVersion(document.id);
  if (latest && sameFlowContent(latest.document, document)) return { ...latest, created: false };
  return { ...(await store.saveFlow(document)), created: true };
}
