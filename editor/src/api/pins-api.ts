// Pinned node outputs of a flow: list, pin from a run, unpin.
import type { PinRecord } from '../../../engine/store/pin-records.ts';
import { apiRequest } from './http-client.ts';

export type { PinRecord };

const pinsPath = (flowId: string) => `/api/flows/${encodeURIComponent(flowId)}/pins`;

export async function listPins(flowId: string): Promise<PinRecord[]> {
  return (await apiRequest<{ pins: PinRecord[] }>('GET', pinsPath(flowId))).pins;
}

export async function pinOutput(flowId: string, nodeId: string, runId: string): Promise<PinRecord> {
  return (
    await apiRequest<{ pin: PinRecord }>('PUT', `${pinsPath(flowId)}/${encodeURIComponent(nodeId)}`, {
      runId,
    })
  ).pin;
}

export async function unpinOutput(flowId: string, nodeId: string): Promise<void> {
  await apiRequest('DELETE', `${pinsPath(flowId)}/${encodeURIComponent(nodeId)}`);
}
