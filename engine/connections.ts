// Named connections: a warehouse, a model server, a vector store or an HTTP endpoint that flows refer to by name
// (`connection: "sales"`), so URLs and passwords live sealed in the store, never in a flow, an
// export, a node output or a log. The host resolves a name when a node asks (`ctx.connection`).
import { R1flowError } from './errors.ts';

export const CONNECTION_KINDS = ['postgres', 'sqlite', 'duckdb', 'openai', 'milvus', 'http'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export interface ResolvedConnection {
  name: string;
  kind: ConnectionKind;
  /** The full URL with its credentials: for the node's client only, never for outputs or logs. */
  url: string;
}

/** A connection's name: a plain identifier, so flows and commands can name it anywhere. */
export const CONNECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Resolves a connection name; rejects with CONNECTION_NOT_FOUND naming it when there is none. */
export type ConnectionLookup = (name: string) => Promise<ResolvedConnection>;

/** The lookup of a host that keeps no connections. */
export const noConnections: ConnectionLookup = async (name) => {
  throw connectionNotFound(name);
};

export function connectionNotFound(name: string): R1flowError {
  return new R1flowError(
    'CONNECTION_NOT_FOUND',
    `no connection named "${name}" (add it with \`r1flow connections add ${name} URL\` or in the editor's Connections page)`,
    { data: { connection: name } },
  );
}
