// Flows, their versions and draft validation.
import type {
  FlowDocument,
  FlowSummary,
  FlowVersion,
  FlowWithVersion,
  ValidationResult,
  VersionSummary,
} from './api-types.ts';
import { apiRequest } from './http-client.ts';

const flowPath = (id: string) => `/api/flows/${encodeURIComponent(id)}`;

export async function listFlows(): Promise<FlowSummary[]> {
  return (await apiRequest<{ flows: FlowSummary[] }>('GET', '/api/flows')).flows;
}

export function getFlow(id: string): Promise<FlowWithVersion> {
  return apiRequest('GET', flowPath(id));
}

/** Creates the flow (POST) or saves a new version of it (PUT); either way a new version. */
export async function saveFlow(document: FlowDocument, exists: boolean): Promise<FlowVersion> {
  const body = exists
    ? await apiRequest<{ version: FlowVersion }>('PUT', flowPath(document.id), document)
    : await apiRequest<{ version: FlowVersion }>('POST', '/api/flows', document);
  return body.version;
}

export async function deleteFlow(id: string): Promise<void> {
  await apiRequest('DELETE', flowPath(id));
}

export async function listVersions(id: string): Promise<VersionSummary[]> {
  return (await apiRequest<{ versions: VersionSummary[] }>('GET', `${flowPath(id)}/versions`)).versions;
}

export async function getVersion(id: string, version: number): Promise<FlowVersion> {
  return (await apiRequest<{ version: FlowVersion }>('GET', `${flowPath(id)}/versions/${version}`)).version;
}

export function validateDraft(document: unknown): Promise<ValidationResult> {
  return apiRequest('POST', '/api/flows/validate', document);
}
