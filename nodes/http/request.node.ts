// Calls an HTTP endpoint (a chat channel's webhook, an app's API) and hands on its answer. Only
// hosts an operator chose are reachable: an `http` connection's, or those listed in
// R1FLOW_HTTP_ALLOWED_HOSTS for literal URLs (http-target.ts), and never an internal address unless
// the host allows it (address-guard.ts). Connection headers and secrets stay sealed with the
// connection; nothing of them reaches the outputs.
import { z } from 'zod';
import { defineNode, type NodeContext } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import { AnyValue, Json, NumberValue, optional } from '../../engine/ports.ts';
import { ALLOW_PRIVATE_SETTING } from './address-guard.ts';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './hmac-signature.ts';
import {
  ALLOWED_HOSTS_SETTING,
  connectionTarget,
  literalTarget,
  parseHttpConnection,
  type RequestTarget,
} from './http-target.ts';
import { sendRequest } from './send-request.ts';

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be an HTTP header name');

export const HttpRequestParamsSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    connection: z
      .string()
      .min(1)
      .optional()
      .describe('An http connection: its base URL, allowed hosts, headers and signing secret'),
    path: z.string().max(2000).optional().describe('Appended to the connection’s base URL'),
    url: z
      .string()
      .max(2000)
      .optional()
      .describe(`A literal URL instead of a connection; its host must be listed in ${ALLOWED_HOSTS_SETTING}`),
    headers: z
      .record(
        HeaderName,
        z
          .string()
          .max(8000)
          .regex(/^[^\r\n]*$/, 'must not hold a line break'),
      )
      .default({}),
    body: z.unknown().optional().describe('JSON body, when the body input is not connected'),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
    maxResponseBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024)
      .default(256 * 1024),
    sign: z
      .object({
        header: HeaderName.default(SIGNATURE_HEADER),
        timestampHeader: HeaderName.default(TIMESTAMP_HEADER),
        secret: z
          .string()
          .optional()
          .describe('Name of a host secret holding the key; without it, the connection’s hmac= secret'),
      })
      .optional()
      .describe('Sign "<timestamp>.<body>" with HMAC-SHA256'),
    failOnStatus: z.boolean().default(true).describe('Fail the node when the answer is not 2xx'),
  })
  .refine((params) => (params.connection === undefined) !== (params.url === undefined), {
    message: 'give either connection or url, not both',
    path: ['connection'],
  });
export type HttpRequestParams = z.output<typeof HttpRequestParamsSchema>;

export default defineNode({
  type: 'http.request',
  version: 1,
  title: 'HTTP request',
  family: 'http',
  lane: 'io',
  description:
    'Sends a JSON request to an allowed host (an http connection or an allow-listed URL), optionally HMAC-signed; outputs the status, headers and body.',
  params: HttpRequestParamsSchema,
  inputs: {
    body: optional(Json),
    // Not sent: connect the output the params map with expressions (e.g. answer.answer), so the
    // request waits for that node and `$node.<id>` may read it and everything before it.
    data: optional(AnyValue),
  },
  outputs: { status: NumberValue, headers: Json, body: Json },
  async run({ params, inputs, ctx }) {
    const target = await targetOf(params, ctx);
    const payload = inputs.body !== undefined ? inputs.body : params.body;
    const body =
      payload === undefined || params.method === 'GET' ? undefined : Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
      'user-agent': 'r1flow http.request',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...target.headers,
      ...params.headers,
    };
    if (params.sign) {
      const secret = signingSecret(params.sign.secret, target, (name) => ctx.secret(name));
      const timestamp = Math.floor(Date.now() / 1000);
      headers[params.sign.timestampHeader] = String(timestamp);
      headers[params.sign.header] = signWebhook(secret, timestamp, body ?? '');
    }
    const reply = await sendRequest({
      method: params.method,
      target,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: params.timeoutMs,
      maxResponseBytes: params.maxResponseBytes,
      allowPrivate: ctx.setting(ALLOW_PRIVATE_SETTING) === 'true',
      signal: ctx.signal,
    });
    const answer = decodeBody(reply.body, reply.headers['content-type']);
    if (params.failOnStatus && (reply.status < 200 || reply.status > 299)) {
      throw new R1flowError(
        'HTTP_STATUS',
        `${target.label} answered HTTP ${reply.status}: ${preview(answer)}`,
        // A server error or a rate limit may pass; a 4xx will not change by asking again.
        { retryable: reply.status >= 500 || reply.status === 429, data: { status: reply.status } },
      );
    }
    return { status: reply.status, headers: reply.headers, body: answer };
  },
});

async function targetOf(params: HttpRequestParams, ctx: NodeContext): Promise<RequestTarget> {
  if (params.url !== undefined) return literalTarget(params.url, ctx.setting(ALLOWED_HOSTS_SETTING));
  const name = params.connection!;
  const resolved = await ctx.connection(name);
  if (resolved.kind !== 'http') {
    throw new R1flowError(
      'CONNECTION_INVALID',
      `connection "${name}" is a ${resolved.kind} connection; http.request needs an http one`,
      { retryable: false, data: { connection: name } },
    );
  }
  let parsed: ReturnType<typeof parseHttpConnection>;
  try {
    parsed = parseHttpConnection(resolved.url);
  } catch (error) {
    throw new R1flowError('CONNECTION_INVALID', `connection "${name}": ${(error as Error).message}`, {
      retryable: false,
      data: { connection: name },
    });
  }
  return connectionTarget(name, parsed, params.path ?? '');
}

function signingSecret(
  secretName: string | undefined,
  target: RequestTarget,
  secret: (name: string) => string | undefined,
): string {
  if (secretName !== undefined) {
    const value = secret(secretName);
    if (value === undefined) {
      throw new R1flowError(
        'CONFIG_INVALID',
        `sign.secret names ${secretName}, which this host does not set`,
        {
          retryable: false,
        },
      );
    }
    return value;
  }
  if (target.hmacSecret !== undefined) return target.hmacSecret;
  throw new R1flowError(
    'NODE_BAD_INPUT',
    `sign needs a key: give sign.secret (a host secret's name) or add #hmac=SECRET to ${target.label}`,
    { retryable: false },
  );
}

/** JSON when the server says so (and it parses), else the text. */
function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (text === '') return null;
  if (/\bjson\b/i.test(contentType ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}
