// Where `http.request` may send: an `http` connection's base URL and the hosts it allows, or a
// literal URL whose host the operator allowed in R1FLOW_HTTP_ALLOWED_HOSTS. Nothing else: a flow
// (which an API caller may write) must not make the server call hosts nobody chose (SSRF).
//
// An `http` connection is one sealed URL; r1flow's own settings ride in its fragment, which HTTP
// clients never send: `https://hooks.example.com/services/T0#hosts=api.example.com&header.Authorization=Bearer%20xyz&hmac=SECRET`
//   hosts=a,b        hosts allowed beside the base URL's own (`*.example.com` for subdomains)
//   header.<Name>=v  a header sent on every request (tokens stay sealed with the connection)
//   hmac=SECRET      the secret that signs each request (see hmac-signature.ts)
import { R1flowError } from '../../engine/errors.ts';

export const ALLOWED_HOSTS_SETTING = 'R1FLOW_HTTP_ALLOWED_HOSTS';

export interface HttpConnection {
  /** The base URL without the fragment. */
  baseUrl: URL;
  /** Hosts requests may go to: the base URL's host, then the `hosts=` ones. */
  allowedHosts: string[];
  headers: Record<string, string>;
  hmacSecret?: string;
}

const HOST_PATTERN =
  /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** Reads an `http` connection's address; throws a plain message (the caller names the connection). */
export function parseHttpConnection(address: string): HttpConnection {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error('its address is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('an http connection starts with http:// or https://');
  }
  if (url.hostname === '') throw new Error('its URL names no host');
  const settings = new URLSearchParams(url.hash.replace(/^#/, ''));
  const connection: HttpConnection = {
    baseUrl: new URL(url.href.replace(/#.*$/, '')),
    allowedHosts: [url.hostname.toLowerCase()],
    headers: {},
  };
  for (const [key, value] of settings) {
    if (key === 'hosts') connection.allowedHosts.push(...parseHostList(value));
    else if (key === 'hmac') {
      if (value === '') throw new Error('its hmac= secret is empty');
      connection.hmacSecret = value;
    } else if (key.startsWith('header.')) {
      const name = key.slice('header.'.length);
      if (!HEADER_NAME.test(name))
        throw new Error(`header name "${name.slice(0, 40)}" is not a valid HTTP header name`);
      if (/[\r\n]/.test(value)) throw new Error(`header ${name} holds a line break`);
      connection.headers[name] = value;
    } else {
      throw new Error(
        `its #${key.slice(0, 40)}= setting is not one r1flow knows (hosts, header.<Name>, hmac)`,
      );
    }
  }
  return connection;
}

/** `a.example.com, *.example.org` → lower-case host patterns; throws on anything else. */
export function parseHostList(value: string): string[] {
  const hosts = value
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  for (const host of hosts) {
    if (!HOST_PATTERN.test(host)) throw new Error(`"${host.slice(0, 80)}" is not a host name (nor *.domain)`);
  }
  return hosts;
}

/** Whether `url`'s host is one of `allowed` (exact, or a subdomain of a `*.` entry). */
export function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return allowed.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry,
  );
}

export interface RequestTarget {
  url: URL;
  allowedHosts: readonly string[];
  /** What messages call the target: the connection's name, or the literal URL's origin. */
  label: string;
  headers: Record<string, string>;
  hmacSecret?: string;
}

/** The target of a request: a connection's base URL with `path`, or a literal URL on the allow-list. */
export function connectionTarget(name: string, connection: HttpConnection, path: string): RequestTarget {
  const url = joinUrl(connection.baseUrl, path);
  const target: RequestTarget = {
    url,
    allowedHosts: connection.allowedHosts,
    label: `connection "${name}"`,
    headers: connection.headers,
  };
  if (connection.hmacSecret !== undefined) target.hmacSecret = connection.hmacSecret;
  checkAllowed(target, `${url.hostname} is not among the hosts connection "${name}" allows`);
  return target;
}

export function literalTarget(raw: string, allowedSetting: string | undefined): RequestTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new R1flowError('NODE_BAD_INPUT', `url "${raw.slice(0, 200)}" is not a valid URL`, {
      retryable: false,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new R1flowError('NODE_BAD_INPUT', `url must start with http:// or https:// (got ${url.protocol})`, {
      retryable: false,
    });
  }
  let allowed: string[];
  try {
    allowed = parseHostList(allowedSetting ?? '');
  } catch (error) {
    throw new R1flowError('CONFIG_INVALID', `${ALLOWED_HOSTS_SETTING}: ${(error as Error).message}`);
  }
  const target: RequestTarget = { url, allowedHosts: allowed, label: url.origin, headers: {} };
  checkAllowed(
    target,
    allowed.length === 0
      ? `literal URLs are refused until the operator lists their hosts in ${ALLOWED_HOSTS_SETTING}; or use an http connection`
      : `${url.hostname} is not in ${ALLOWED_HOSTS_SETTING}`,
  );
  return target;
}

/** Throws HTTP_HOST_NOT_ALLOWED unless the target's (or a redirect's) host is allowed. */
export function checkAllowed(target: Pick<RequestTarget, 'url' | 'allowedHosts'>, reason: string): void {
  if (hostAllowed(target.url, target.allowedHosts)) return;
  throw new R1flowError(
    'HTTP_HOST_NOT_ALLOWED',
    `http.request may not call ${target.url.hostname}: ${reason}`,
    {
      retryable: false,
      data: { host: target.url.hostname },
    },
  );
}

/** `path` under the base URL: `hooks/1` and `/hooks/1` both append to the base's path. */
function joinUrl(base: URL, path: string): URL {
  if (path === '') return new URL(base.href);
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(path)) {
    // An absolute URL in `path` still has to pass the connection's host list.
    return new URL(path, base);
  }
  const url = new URL(base.href);
  const [pathname = '', query] = path.split(/\?(.*)/s, 2);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${pathname.replace(/^\/+/, '')}`;
  if (query !== undefined) url.search = query;
  return url;
}
