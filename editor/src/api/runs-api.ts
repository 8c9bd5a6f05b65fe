// Runs: start, list, inspect, cancel, re-run.
import type { RunDetails, RunRecord } from './api-types.ts';
import { apiRequest } from './http-client.ts';

const runPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

export async function startRun(flowId: string, input: unknown): Promise<RunRecord> {
  return (
    await apiRequest<{ run: RunRecord }>('POST', `/api/flows/${encodeURIComponent(flowId)}/runs`, { input })
  ).run;
}

export async function listRuns(flowId: string, limit = 30): Promise<RunRecord[]> {
  const query = new URLSearchParams({ flow: flowId, limit: String(limit) });
  return (await apiRequest<{ runs: RunRecord[] }>('GET', `/api/runs?${query}`)).runs;
}

export function getRun(id: string): Promise<RunDetails> {
  return apiRequest('GET', runPath(id));
}

export async function cancelRun(id: string): Promise<RunRecord> {
  return (await apiRequest<{ run: RunRecord }>('POST', `${runPath(id)}/cancel`, {})).run;
}

export async function rerun(id: string, fromNode?: string): Promise<RunRecord> {
  const body = fromNode === undefined ? {} : { fromNode };
  return (await apiRequest<{ run: RunRecord }>('POST', `${runPath(id)}/rerun`, body)).run;
}

export function runEventsUrl(id: string): string {
  return `${runPath(id)}/events`;
}
