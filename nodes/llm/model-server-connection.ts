// A model server reached through a named connection (kind openai): the URL is the server root
// including /v1, and a password in its userinfo is the API key, sent as a Bearer token and never
// left in the URL (fetch refuses URLs with credentials, and URLs end up in error messages).
import type { NodeContext } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { ModelServerConfig } from './model-client-resource.ts';

export function splitApiKey(url: string): { baseUrl: string; apiKey: string | undefined } {
  const parsed = new URL(url);
  const apiKey = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.username = '';
  parsed.password = '';
  return { baseUrl: parsed.href.replace(/\/+$/, ''), apiKey };
}

/** The server config of connection `name`; errors name the connection, never its URL. */
export async function modelServerOfConnection(
  ctx: Pick<NodeContext, 'connection'>,
  name: string,
): Promise<Pick<ModelServerConfig, 'baseUrl' | 'apiKey' | 'connection'>> {
  const connection = await ctx.connection(name);
  if (connection.kind !== 'openai') {
    throw new R1flowError(
      'CONNECTION_INVALID',
      `connection "${name}" is a ${connection.kind} connection; a model server needs an openai one (an http(s) URL ending in /v1)`,
      { data: { connection: name } },
    );
  }
  return { ...splitApiKey(connection.url), connection: name };
}
