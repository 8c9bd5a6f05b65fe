// Running a draft: a run is pinned to an immutable document (so it can be resumed, inspected and
// re-run), so the draft is snapshotted as a version that is not published, or the latest version
// is reused when the draft says the same. Webhooks and schedules never run these.
import { R1flowError } from '../../engine/errors.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import type { Runtime } from '../runtime/local-runtime.ts';
import { checkedFlow } from './checked-flow.ts';

export async function draftVersion(
  context: { runtime: Pick<Runtime, 'store' | 'registry'> },
  flowId: string,
): Promise<number> {
  const { store, registry } = context.runtime;
  const draft = await store.drafts.get(flowId);
  if (draft) return (await saveFlowIfChanged(store, checkedFlow(draft.document, registry, flowId))).version;
  // Without a draft, what an editor shows is the latest version.
  const latest = await store.getFlowVersion(flowId);
  if (!latest)
    throw new R1flowError('FLOW_NOT_FOUND', `no flow "${flowId}" with a draft or a version to run`);
  return latest.version;
}
