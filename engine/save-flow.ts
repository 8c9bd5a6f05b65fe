// Saving a flow only when it changed, so re-running the same file or re-importing the examples
// does not pile up identical versions.
import type { FlowDocument } from './flow-schema.ts';
import type { FlowVersion } from './store/records.ts';
import type { Store } from './store/store.ts';

export async function saveFlowIfChanged(
  store: Store,
  document: FlowDocument,
): Promise<FlowVersion & { created: boolean }> {
  const latest = await store.getFlowVersion(document.id);
  if (latest && sameContent(latest.document, document)) return { ...latest, created: false };
  return { ...(await store.saveFlow(document)), created: true };
}

function sameContent(a: FlowDocument, b: FlowDocument): boolean {
  const { version: _a, ...restA } = a;
  const { version: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
