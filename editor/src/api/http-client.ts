// Every API call goes through here: JSON in and out, the API's `{ error: {...} }` bodies become
// ApiError, a failed connection becomes ServerUnreachableError and lights the offline banner.
import { markReachable, markSignInRequired } from '../state/connectivity-store.ts';
import type { FlowIssue } from './api-types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FlowIssue[] = [],
    /** The error's other fields (e.g. `gate` of a refused publish). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ServerUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`the server is unreachable (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'ServerUnreachableError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Gateways answer 502-504 when the server behind them is down: that is unreachable too. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    markReachable(false);
    throw new ServerUnreachableError(error);
  }
  if (GATEWAY_STATUSES.has(response.status) && path !== '/healthz') {
    markReachable(false);
    throw new ServerUnreachableError(`HTTP ${response.status}`);
  }
  markReachable(true);
  const text = await response.text();
  const parsed = parseBody(response.status, text);
  if (response.ok) return parsed as T;
  const error = (
    parsed as {
      error?: { code?: string; message?: string; issues?: FlowIssue[] } & Record<string, unknown>;
    } | null
  )?.error;
  // A signed-in user whose role lacks a permission is still signed in: they read the refusal
  // where they asked, instead of a sign-in form that would only sign them in as themselves again.
  if (response.status === 401 || (response.status === 403 && error?.code !== 'PERMISSION_DENIED')) {
    markSignInRequired(true);
  }
  throw new ApiError(
    response.status,
    error?.code ?? 'HTTP_ERROR',
    error?.message ?? `HTTP ${response.status}`,
    error?.issues ?? [],
    error ?? {},
  );
}

function parseBody(status: number, text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(status, 'BAD_RESPONSE', `the server answered with non-JSON: ${text.slice(0, 200)}`);
  }
}

/** A message for the user from any failure of an API call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError || error instanceof ServerUnreachableError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
