// A named milvus connection as the Milvus client takes it. The URL is `milvus://host:port` or
// `http://host:port` (plain gRPC; port 19530 when none) or `https://host[:port]` (TLS), with
// `user:password@` or `?token=KEY` for servers that need a token. Errors name the connection,
// never the URL.
import type { ResolvedConnection } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { MilvusStoreOptions } from './milvus-vector-store.ts';

const DEFAULT_PORT = '19530';

export function milvusAddressOf(connection: ResolvedConnection): Omit<MilvusStoreOptions, 'collection'> {
  const invalid = (why: string) =>
    new R1flowError('CONFIG_INVALID', `connection "${connection.name}" ${why}`, {
      data: { connection: connection.name },
    });
  if (connection.kind !== 'milvus') {
    throw invalid(`(kind ${connection.kind}) is not a milvus connection`);
  }
  let url: URL;
  try {
    url = new URL(connection.url);
  } catch {
    throw invalid('has no valid Milvus URL (milvus://host:port)');
  }
  if (!['milvus:', 'http:', 'https:'].includes(url.protocol) || url.hostname === '') {
    throw invalid('has no valid Milvus URL (milvus://host:port)');
  }
  // An https URL without a port means 443 (the URL parser drops a written :443); others Milvus's port.
  const tls = url.protocol === 'https:';
  const hostPort = `${url.hostname}:${url.port || (tls ? '443' : DEFAULT_PORT)}`;
  const address = tls ? `https://${hostPort}` : hostPort;
  const token =
    url.searchParams.get('token') ??
    (url.username === ''
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
  return token ? { address, token } : { address };
}
