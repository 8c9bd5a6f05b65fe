// Checks every request meets before routing decisions matter:
// - the request-target is a path (absolute-form `GET http://x/api/flows` is for proxies; r1flow is
//   not one, and the target's authority would bypass the Host check below);
// - while the API is open (loopback, no key), the Host is a loopback name or the --public-url's
//   host, so a web page that rebinds its own name to 127.0.0.1 cannot drive the API;
// - a state-changing request that carries an Origin comes from this server's own origin, so a web
//   page cannot post to the open loopback API (or with the editor's cookie) across sites. Webhooks
//   are exempt: they hold no ambient credential, every call proves itself with a signature or token.
import type { FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import { routeAccess } from './auth-hook.ts';
import { isLoopbackHost } from './loopback.ts';
import type { ServerContext } from './server-context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createRequestGuards(context: ServerContext) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!(request.raw.url ?? '').startsWith('/')) {
      throw new R1flowError(
        'BAD_REQUEST',
        'the request-target must be a path such as /api/flows (r1flow is not a proxy)',
      );
    }
    const { publicUrl, requireKey } = context.options;
    const host = request.headers.host;
    if (!requireKey && host !== undefined && !hostAllowed(host, publicUrl)) {
      throw new R1flowError(
        'HOST_NOT_ALLOWED',
        `Host "${host}" is not served: the open loopback API answers only loopback names and the --public-url host`,
      );
    }
    const origin = request.headers.origin;
    if (origin === undefined || SAFE_METHODS.has(request.method) || routeAccess(request) === 'webhook')
      return;
    if (!originAllowed(origin, host, publicUrl)) {
      throw new R1flowError(
        'ORIGIN_NOT_ALLOWED',
        `a ${request.method} from origin "${origin}" is refused: only this server's own pages may change state`,
      );
    }
  };
}

function hostnameOf(authority: string): string | null {
  try {
    return new URL(`http://${authority}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function hostAllowed(host: string, publicUrl: string): boolean {
  const name = hostnameOf(host);
  if (name === null) return false;
  return isLoopbackHost(name) || name === new URL(publicUrl).hostname.toLowerCase();
}

function originAllowed(origin: string, host: string | undefined, publicUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage
  }
  if (url.origin === new URL(publicUrl).origin) return true;
  return host !== undefined && url.host.toLowerCase() === host.toLowerCase();
}
