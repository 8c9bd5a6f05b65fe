// One HTTP exchange for `http.request`, with its limits: a deadline over the whole exchange
// (redirects included), a cap on the response's bytes (read as a stream, so a huge body is cut off
// rather than buffered), redirects followed only to allowed hosts and at most MAX_REDIRECTS times,
// and connections only to allowed addresses (address-guard.ts). Each limit fails with its own code.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { R1flowError } from '../../engine/errors.ts';
import { checkLiteralAddress, guardedLookup } from './address-guard.ts';
import { hostAllowed, type RequestTarget } from './http-target.ts';

export const MAX_REDIRECTS = 3;

export interface HttpExchange {
  method: string;
  target: RequestTarget;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivate: boolean;
  /** The node's signal: cancel and the node's own timeout. */
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Where the answer finally came from (after redirects). */
  url: URL;
}

export async function sendRequest(exchange: HttpExchange): Promise<HttpReply> {
  const deadline = AbortSignal.timeout(exchange.timeoutMs);
  const signal = AbortSignal.any([exchange.signal, deadline]);
  let url = exchange.target.url;
  let method = exchange.method;
  let body = exchange.body;
  for (let redirects = 0; ; redirects++) {
    checkLiteralAddress(url.hostname, exchange.allowPrivate);
    const reply = await once(url, method, exchange, body, signal).catch((error: unknown) => {
      throw failure(error, exchange, deadline, url);
    });
    const location = reply.headers.location;
    if (!isRedirect(reply.status) || location === undefined) return reply;
    const next = new URL(location, url);
    if (
      !hostAllowed(next, exchange.target.allowedHosts) ||
      (next.protocol !== 'http:' && next.protocol !== 'https:')
    ) {
      throw new R1flowError(
        'HTTP_REDIRECT_REFUSED',
        `${exchange.target.label} redirected to ${next.protocol}//${next.hostname}, which is not an allowed host; the redirect was not followed`,
        { retryable: false, data: { status: reply.status, host: next.hostname } },
      );
    }
    if (redirects >= MAX_REDIRECTS) {
      throw new R1flowError(
        'HTTP_REDIRECT_REFUSED',
        `${exchange.target.label} redirected more than ${MAX_REDIRECTS} times; stopped at ${next.hostname}${next.pathname}`,
        { retryable: false, data: { status: reply.status } },
      );
    }
    // 303 (and 301/302 after a POST, as browsers do) continue as a GET without the body.
    if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function once(
  url: URL,
  method: string,
  exchange: HttpExchange,
  body: Buffer | undefined,
  signal: AbortSignal,
): Promise<HttpReply> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { ...exchange.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method, headers, signal, lookup: guardedLookup(exchange.allowPrivate) },
      (response) => {
        readCapped(response, exchange, url).then(
          (data) =>
            resolve({ status: response.statusCode ?? 0, headers: flatHeaders(response), body: data, url }),
          reject,
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function readCapped(response: IncomingMessage, exchange: HttpExchange, url: URL): Promise<Buffer> {
  const cap = exchange.maxResponseBytes;
  return new Promise((resolve, reject) => {
    // Settle before destroying: destroy() reports the cut-off connection at once.
    const refuse = (bytes: number) => {
      reject(tooLarge(exchange, url, bytes));
      response.destroy();
    };
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      refuse(declared);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > cap) refuse(received);
      else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('the response was cut off')));
  });
}

function tooLarge(exchange: HttpExchange, url: URL, bytes: number): R1flowError {
  return new R1flowError(
    'HTTP_RESPONSE_TOO_LARGE',
    `${exchange.target.label} (${url.hostname}) answered more than maxResponseBytes (${exchange.maxResponseBytes} bytes; got at least ${bytes}); the rest was not read`,
    { retryable: false, data: { maxResponseBytes: exchange.maxResponseBytes, bytesAtLeast: bytes } },
  );
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function failure(error: unknown, exchange: HttpExchange, deadline: AbortSignal, url: URL): unknown {
  if (error instanceof R1flowError) return error;
  if (deadline.aborted) {
    return new R1flowError(
      'HTTP_TIMEOUT',
      `${exchange.target.label} (${url.hostname}) did not answer within timeoutMs (${exchange.timeoutMs} ms)`,
      { retryable: true, data: { timeoutMs: exchange.timeoutMs } },
    );
  }
  // Cancel or the node's timeout: the engine reports those itself.
  if (exchange.signal.aborted) return exchange.signal.reason;
  const cause = error as { code?: unknown; message?: unknown };
  const reason =
    cause.code === 'ECONNREFUSED'
      ? 'connection refused'
      : cause.code === 'ENOTFOUND' || cause.code === 'EAI_AGAIN'
        ? 'host not found'
        : typeof cause.code === 'string'
          ? cause.code
          : String(cause.message ?? error);
  return new R1flowError(
    'HTTP_REQUEST_FAILED',
    `${exchange.target.label} (${url.hostname}) failed: ${reason}`,
    {
      retryable: true,
    },
  );
}
