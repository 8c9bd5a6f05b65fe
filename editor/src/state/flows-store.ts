// The flows on the server, for the flow picker.

import type { FlowSummary } from '../api/api-types.ts';
import { listFlows } from '../api/flows-api.ts';
import { createStore } from './create-store.ts';

export const flowsStore = createStore<FlowSummary[]>([]);

export async function refreshFlows(): Promise<FlowSummary[]> {
  const flows = await listFlows();
  flowsStore.set(flows);
  return flows;
}
