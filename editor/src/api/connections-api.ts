// Named connections: list, add (the URL goes in once and never comes back), test, remove.
import type { ConnectionKind, ConnectionView } from './api-types.ts';
import { apiRequest } from './http-client.ts';

export async function listConnections(): Promise<ConnectionView[]> {
  return (await apiRequest<{ connections: ConnectionView[] }>('GET', '/api/connections')).connections;
}

export async function addConnection(request: {
  name: string;
  url: string;
  kind?: ConnectionKind;
}): Promise<ConnectionView> {
  return (await apiRequest<{ connection: ConnectionView }>('POST', '/api/connections', request)).connection;
}

export async function testConnection(name: string): Promise<ConnectionView> {
  return (
    await apiRequest<{ connection: ConnectionView }>(
      'POST',
      `/api/connections/${encodeURIComponent(name)}/test`,
      {},
    )
  ).connection;
}

export async function removeConnection(name: string): Promise<void> {
  await apiRequest('DELETE', `/api/connections/${encodeURIComponent(name)}`);
}
