// Runs: start, list, inspect, cancel, re-run.
import type { RunDetails, RunRecord } from './api-types.ts';
import { apiRequest } from './http-client.ts';

const runPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

/**
 * Starts a run; with `followUpOf`, as the next turn of that run's thread. Runs started in the
 * editor take the flow's pinned outputs.
 */
export async function startRun(flowId: string, input: unknown, followUpOf?: string): Promise<RunRecord> {
  const body = followUpOf === undefined ? { input, usePins: true } : { input, followUpOf, usePins: true };
  return (await apiRequest<{ run: RunRecord }>('POST', `/api/flows/${encodeURIComponent(flowId)}/runs`, body))
    .run;
}

export async function listRuns(flowId: string, limit = 30): Promise<RunRecord[]> {
  const query = new URLSearchParams({ flow: flowId, limit: String(limit) });
  return (await apiRequest<{ runs: RunRecord[] }>('GET', `/api/runs?${query}`)).runs;
}

/** The runs of a thread, newest first. */
export async function listThreadRuns(threadId: string, limit = 20): Promise<RunRecord[]> {
  const query = new URLSearchParams({ threadId, limit: String(limit) });
  return (await apiRequest<{ runs: RunRecord[] }>('GET', `/api/runs?${query}`)).runs;
}

export function getRun(id: string): Promise<RunDetails> {
  return apiRequest('GET', runPath(id));
}

export async function cancelRun(id: string): Promise<RunRecord> {
  return (await apiRequest<{ run: RunRecord }>('POST', `${runPath(id)}/cancel`, {})).run;
}

export async function rerun(id: string, fromNode?: string): Promise<RunRecord> {
  const body = fromNode === undefined ? { usePins: true } : { fromNode, usePins: true };
  return (await apiRequest<{ run: RunRecord }>('POST', `${runPath(id)}/rerun`, body)).run;
}

export function runEventsUrl(id: string): string {
  return `${runPath(id)}/events`;
}
