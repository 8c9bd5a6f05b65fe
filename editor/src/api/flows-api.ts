// Flows, their versions and draft validation.
import type {
  FlowDocument,
  FlowSummary,
  FlowVersion,
  FlowWithVersion,
  PublishOutcome,
  SavedDraft,
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

/** Saves the flow's draft (creating the flow, unpublished, the first time); no version is made. */
export function saveDraft(document: FlowDocument): Promise<SavedDraft> {
  return apiRequest('PUT', `${flowPath(document.id)}/draft`, document);
}

/** Publishes the document as a version with a note; a refused gate throws ApiError with `details.gate`. */
export function publishFlow(document: FlowDocument, note: string): Promise<PublishOutcome> {
  return apiRequest('POST', `${flowPath(document.id)}/publish`, { document, ...(note ? { note } : {}) });
}

export async function setFlowEnabled(id: string, enabled: boolean): Promise<FlowSummary> {
  return (await apiRequest<{ flow: FlowSummary }>('PATCH', flowPath(id), { enabled })).flow;
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
