// What a connection's address may be, per kind: checked when it is added, with the kind inferred
// from the scheme or file extension when not given, and a display form that keeps the password
// (and the query, where drivers also accept one) out of listings. Errors name the connection and
// never echo the address, which may hold a password.
import { isAbsolute, resolve } from 'node:path';
import { displayUrl } from '../../engine/connection-redaction.ts';
import { CONNECTION_KINDS, CONNECTION_NAME, type ConnectionKind } from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import { parseHttpConnection } from '../../nodes/http/http-target.ts';

export const DEFAULT_MILVUS_PORT = 19530;

export interface ConnectionAddress {
  kind: ConnectionKind;
  /** The full address to seal: a URL with its credentials, or an absolute file path. */
  url: string;
  /** The address without password or query, safe to list. */
  display: string;
}

export function checkConnectionName(name: string): void {
  if (!CONNECTION_NAME.test(name)) {
    throw new R1flowError(
      'CONNECTION_INVALID',
      `connection name "${name.slice(0, 80)}" is not a plain identifier (a letter, then up to 63 letters, digits, _ or -)`,
      { data: { connection: name.slice(0, 80) } },
    );
  }
}

export function isConnectionKind(kind: string): kind is ConnectionKind {
  return (CONNECTION_KINDS as readonly string[]).includes(kind);
}

/** Checks `raw` for `kind` (inferred when absent); `base` resolves relative file paths. */
export function parseConnectionAddress(
  name: string,
  raw: string,
  kind?: string,
  base = process.cwd(),
): ConnectionAddress {
  const text = raw.trim();
  if (text === '') throw invalid(name, 'its URL is empty');
  if (kind !== undefined && !isConnectionKind(kind)) {
    throw invalid(name, `kind "${kind.slice(0, 40)}" is not one of ${CONNECTION_KINDS.join(', ')}`);
  }
  const chosen = kind ?? inferKind(name, text);
  switch (chosen) {
    case 'postgres':
      return networkAddress(name, chosen, text, ['postgres:', 'postgresql:']);
    case 'openai':
      return networkAddress(name, chosen, text, ['http:', 'https:']);
    case 'milvus':
      return networkAddress(name, chosen, /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`, [
        'http:',
        'https:',
      ]);
    case 'http':
      return httpAddress(name, text);
    case 'sqlite':
    case 'duckdb':
      return fileAddress(name, chosen, text, base);
  }
}

function inferKind(name: string, text: string): ConnectionKind {
  if (/^postgres(ql)?:\/\//i.test(text)) return 'postgres';
  if (/^https?:\/\//i.test(text)) return 'openai';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw invalid(
      name,
      'its URL scheme is not one r1flow knows (postgres://, postgresql://, http://, https://)',
    );
  }
  if (/\.duckdb$/i.test(text)) return 'duckdb';
  if (/\.(sqlite3?|db)$/i.test(text)) return 'sqlite';
  throw invalid(
    name,
    `its kind cannot be told from the address: give the kind (${CONNECTION_KINDS.join(', ')}); a Milvus address needs --kind milvus`,
  );
}

function networkAddress(
  name: string,
  kind: ConnectionKind,
  text: string,
  protocols: readonly string[],
): ConnectionAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(name, `its address is not a valid ${kind} URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw invalid(
      name,
      `a ${kind} connection's URL starts with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
  }
  if (url.hostname === '') throw invalid(name, 'its URL names no host');
  return { kind, url: url.href, display: displayUrl(url.href) };
}

/** An HTTP endpoint: r1flow's settings (hosts, headers, hmac) ride in the fragment, sealed too. */
function httpAddress(name: string, text: string): ConnectionAddress {
  try {
    parseHttpConnection(text);
  } catch (error) {
    throw invalid(name, (error as Error).message);
  }
  const { display } = networkAddress(name, 'http', text.replace(/#.*$/s, ''), ['http:', 'https:']);
  return { kind: 'http', url: text, display };
}

function fileAddress(name: string, kind: ConnectionKind, text: string, base: string): ConnectionAddress {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw invalid(name, `a ${kind} connection is a file path, not a URL`);
  }
  const path = isAbsolute(text) ? text : resolve(base, text);
  return { kind, url: path, display: path };
}

function invalid(name: string, problem: string): R1flowError {
  return new R1flowError('CONNECTION_INVALID', `connection "${name}": ${problem}`, {
    data: { connection: name },
  });
}
