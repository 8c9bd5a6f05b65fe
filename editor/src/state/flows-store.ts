// The flows on the server, for the flow picker.

import { createStore } from 'zustand/vanilla';
import type { FlowSummary } from '../api/api-types.ts';
import { listFlows } from '../api/flows-api.ts';

export const flowsStore = createStore<{ flows: FlowSummary[] }>()(() => ({ flows: [] }));

export async function refreshFlows(): Promise<FlowSummary[]> {
  const flows = await listFlows();
  flowsStore.setState({ flows });
  return flows;
}
