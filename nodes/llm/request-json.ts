// One JSON request to a model server, with the retry policy every model call shares: retry
// 429/5xx and network failures with exponential backoff and jitter, never other 4xx; a timeout per
// attempt; the caller's AbortSignal stops everything at once. Failures become R1flowErrors that say
// what to do next.
import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelayMs } from '../../engine/backoff.ts';
import { R1flowError } from '../../engine/errors.ts';

export interface JsonRequest {
  url: string;
  /** POSTed as JSON; GET when absent. */
  body?: unknown;
  apiKey?: string | undefined;
  /** Limit for one attempt, in ms. */
  timeoutMs: number;
  /** Extra attempts after the first. */
  retries: number;
  /** Delay before the first retry, in ms; doubles each retry, with jitter (engine/backoff.ts). */
  backoffMs: number;
  signal?: AbortSignal | undefined;
  /** The named connection the URL came from: errors name it instead of the URL. */
  connection?: string | undefined;
}

/** How errors name the server: a connection by its name (its URL is its secret), else the URL. */
export function describeServer(request: Pick<JsonRequest, 'url' | 'connection'>): {
  text: string;
  data: Record<string, unknown>;
} {
  if (request.connection === undefined) return { text: request.url, data: { url: request.url } };
  const path = new URL(request.url).pathname.split('/').pop();
  return {
    text: `connection "${request.connection}" (/${path})`,
    data: { connection: request.connection },
  };
}

/** The parsed JSON body of a 2xx answer. */
export async function requestJson(request: JsonRequest): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptRequest(request);
    } catch (error) {
      const retryable = error instanceof R1flowError && error.retryable;
      if (!retryable || attempt >= request.retries || request.signal?.aborted) throw error;
      await sleep(retryDelayMs(request.backoffMs, attempt + 1, error.data?.retryAfterMs), request.signal);
    }
  }
}

async function attemptRequest(request: JsonRequest): Promise<unknown> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.body === undefined ? 'GET' : 'POST',
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    throw unreachableError(request, error);
  }
  if (!response.ok) throw httpError(request, response, text);
  try {
    return JSON.parse(text);
  } catch {
    const server = describeServer(request);
    throw new R1flowError(
      'LLM_BAD_RESPONSE',
      `model server ${server.text} answered with invalid JSON: ${excerpt(text)}`,
      { data: server.data },
    );
  }
}

function unreachableError(request: JsonRequest, error: unknown): R1flowError {
  const server = describeServer(request);
  const hint =
    request.connection === undefined
      ? 'start it (for example `r1flow sim-llm`) or set R1FLOW_LLM_URL to its address'
      : `start it, or check the connection with \`r1flow connections test ${request.connection}\``;
  return new R1flowError(
    'LLM_UNREACHABLE',
    `model server ${server.text} is unreachable (${describeNetworkFailure(error, request.timeoutMs)}); ${hint}`,
    { retryable: true, data: server.data, cause: error },
  );
}

function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function httpError(request: JsonRequest, response: Response, text: string): R1flowError {
  const body = parseErrorBody(text);
  const server = describeServer(request);
  if (response.status === 404 && body?.type === 'unknown_question') {
    return new R1flowError('LLM_UNKNOWN_QUESTION', `model server ${server.text}: ${body.message}`, {
      // The replay has no answer for this question: asking again cannot change that.
      retryable: false,
      data: {
        ...server.data,
        status: 404,
        ...(body.question === undefined ? {} : { question: body.question }),
      },
    });
  }
  // 408 and 429 say "try later"; any other 4xx is a request the server will refuse again.
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const retryAfterMs = Number(response.headers.get('retry-after') ?? Number.NaN) * 1000;
  return new R1flowError(
    'LLM_HTTP_ERROR',
    `model server answered ${response.status} to ${server.text}: ${body?.message ?? excerpt(text)}`,
    {
      retryable,
      data: {
        ...server.data,
        status: response.status,
        ...(Number.isFinite(retryAfterMs) ? { retryAfterMs } : {}),
      },
    },
  );
}

/** OpenAI-style `{error: {message, type}}`, vLLM's `{message, type}`, or nothing usable. */
function parseErrorBody(text: string): { message: string; type?: string; question?: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = json as { error?: unknown; message?: unknown } | null;
  const inner = (typeof record?.error === 'object' && record.error !== null ? record.error : record) as {
    message?: unknown;
    type?: unknown;
    question?: unknown;
  } | null;
  if (typeof inner?.message !== 'string') return undefined;
  return {
    message: excerpt(inner.message),
    ...(typeof inner.type === 'string' ? { type: inner.type } : {}),
    ...(typeof inner.question === 'string' ? { question: inner.question } : {}),
  };
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine || '(empty body)';
}

// A server asking for a longer pause than this is better reported than waited for.
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The engine's backoff before retry number `retry` (1 for the first); a server's Retry-After wins
 * when longer, up to MAX_RETRY_AFTER_MS.
 */
export function retryDelayMs(
  backoffMs: number,
  retry: number,
  retryAfterMs: unknown,
  random: () => number = Math.random,
): number {
  const backoff = backoffDelayMs(backoffMs, retry, random);
  if (typeof retryAfterMs !== 'number') return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}
