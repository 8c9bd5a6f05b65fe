// The node catalog, the session (sign-in with an API key) and health.
import type { CatalogEntry, SessionState } from './api-types.ts';
import { apiRequest } from './http-client.ts';

export async function fetchCatalog(): Promise<CatalogEntry[]> {
  return (await apiRequest<{ nodes: CatalogEntry[] }>('GET', '/api/nodes')).nodes;
}

export function getSession(): Promise<SessionState> {
  return apiRequest('GET', '/api/session');
}

export async function signIn(apiKey: string): Promise<void> {
  await apiRequest('POST', '/api/session', { apiKey });
}

export async function checkHealth(): Promise<void> {
  await apiRequest('GET', '/healthz');
}
