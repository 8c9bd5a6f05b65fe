// The node catalog, the session (sign-in as a user or with an API key) and health.
import type { CatalogEntry, SessionState } from './api-types.ts';
import { apiRequest } from './http-client.ts';

export async function fetchCatalog(): Promise<CatalogEntry[]> {
  return (await apiRequest<{ nodes: CatalogEntry[] }>('GET', '/api/nodes')).nodes;
}

export function getSession(): Promise<SessionState> {
  return apiRequest('GET', '/api/session');
}

/** Signs in as a user by name and password, or with an API key. */
export async function signIn(
  credentials: { apiKey: string } | { name: string; password: string },
): Promise<void> {
  await apiRequest('POST', '/api/session', credentials);
}

export async function checkHealth(): Promise<void> {
  await apiRequest('GET', '/healthz');
}
