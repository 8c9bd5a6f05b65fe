// A flow's webhooks and schedules: describe, switch on/off, rotate a webhook's secret.
import type { TriggerView } from './api-types.ts';
import { apiRequest } from './http-client.ts';

export async function listTriggers(flowId: string): Promise<TriggerView[]> {
  return (
    await apiRequest<{ triggers: TriggerView[] }>('GET', `/api/flows/${encodeURIComponent(flowId)}/triggers`)
  ).triggers;
}

export async function setTriggerEnabled(id: string, enabled: boolean): Promise<void> {
  await apiRequest('PATCH', `/api/triggers/${encodeURIComponent(id)}`, { enabled });
}

export async function rotateSecret(id: string): Promise<string> {
  return (
    await apiRequest<{ secret: string }>('POST', `/api/triggers/${encodeURIComponent(id)}/rotate-secret`, {})
  ).secret;
}
