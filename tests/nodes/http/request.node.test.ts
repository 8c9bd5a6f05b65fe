// http.request against a real HTTP server on 127.0.0.1: JSON in and out, connection headers and
// paths, HMAC signing as r1flow's webhooks verify it, status handling and the timeout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../../engine/errors.ts';
import { signWebhook } from '../../../nodes/http/hmac-signature.ts';
import httpRequest from '../../../nodes/http/request.node.ts';
import { answerJson, type HttpEndpoint, startHttpEndpoint } from '../../support/http-endpoint.ts';
import { httpNodeContext } from '../../support/http-node-context.ts';

let endpoint: HttpEndpoint;
beforeAll(async () => {
  endpoint = await startHttpEndpoint();
});
afterAll(() => endpoint.close());
beforeEach(() => {
  endpoint.requests.length = 0;
  endpoint.handle(answerJson(200, { ok: true }));
});

const loopback = { R1FLOW_HTTP_ALLOW_PRIVATE: 'true' };

function run(params: Record<string, unknown>, inputs: Record<string, unknown> = {}, context = {}) {
  const ctx = httpNodeContext({
    settings: loopback,
    connections: {
      chat: `${endpoint.url}/hooks#header.Authorization=Bearer%20sealed-token&hmac=conn-secret`,
    },
    ...context,
  });
  return httpRequest.run({ params: httpRequest.params.parse(params), inputs, ctx });
}

async function failure(promise: Promise<unknown>): Promise<R1flowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(R1flowError);
  return error as R1flowError;
}

describe('http.request', () => {
  it('posts the body input as JSON to the connection path with its sealed headers, and outputs the answer', async () => {
    endpoint.handle(answerJson(201, { id: 7 }));
    const outputs = await run(
      { connection: 'chat', path: 'answers?team=data', headers: { 'X-Flow': 'answer-to-webhook' } },
      { body: { text: 'There are 42 customers.' } },
    );
    expect(outputs).toMatchObject({ status: 201, body: { id: 7 } });
    expect(outputs.headers).toMatchObject({ 'content-type': 'application/json' });
    const [request] = endpoint.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/answers?team=data' });
    expect(JSON.parse(request!.body)).toEqual({ text: 'There are 42 customers.' });
    expect(request!.headers).toMatchObject({
      authorization: 'Bearer sealed-token',
      'x-flow': 'answer-to-webhook',
      'content-type': 'application/json',
    });
  });

  it('sends the body param when the input is not connected; GET sends none and returns text', async () => {
    await run({ connection: 'chat', body: { a: 1 } });
    expect(endpoint.requests[0]!.body).toBe('{"a":1}');
    endpoint.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('pong');
    });
    const outputs = await run({ connection: 'chat', method: 'GET', body: { ignored: true } });
    expect(outputs.body).toBe('pong');
    expect(endpoint.requests[1]).toMatchObject({ method: 'GET', body: '' });
  });

  it('signs "<timestamp>.<body>" with the connection secret, as r1flow webhooks verify it', async () => {
    await run({ connection: 'chat', sign: {} }, { body: { text: 'hi' } });
    const { headers, body } = endpoint.requests[0]!;
    const timestamp = Number(headers['x-r1flow-timestamp']);
    expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(600);
    expect(headers['x-r1flow-signature']).toBe(signWebhook('conn-secret', timestamp, body));
  });

  it('signs with a host secret under configured header names', async () => {
    await run(
      {
        connection: 'chat',
        sign: { header: 'X-Hub-Signature', timestampHeader: 'X-Hub-Time', secret: 'HOOK_KEY' },
      },
      { body: { n: 1 } },
      { secrets: { HOOK_KEY: 'host-secret' } },
    );
    const { headers, body } = endpoint.requests[0]!;
    expect(headers['x-hub-signature']).toBe(signWebhook('host-secret', Number(headers['x-hub-time']), body));
    expect(headers['x-r1flow-signature']).toBeUndefined();
  });

  it('fails on a non-2xx answer (retryable only for 5xx and 429) unless failOnStatus is off', async () => {
    endpoint.handle(answerJson(500, { error: 'down' }));
    const serverError = await failure(run({ connection: 'chat' }));
    expect(serverError).toMatchObject({ code: 'HTTP_STATUS', retryable: true });
    expect(serverError.message).toContain('connection "chat" answered HTTP 500: {"error":"down"}');
    endpoint.handle(answerJson(404, { error: 'no such channel' }));
    expect(await failure(run({ connection: 'chat' }))).toMatchObject({
      code: 'HTTP_STATUS',
      retryable: false,
    });
    expect(await run({ connection: 'chat', failOnStatus: false })).toMatchObject({
      status: 404,
      body: { error: 'no such channel' },
    });
  });

  it('fails with HTTP_TIMEOUT when the server does not answer in timeoutMs', async () => {
    endpoint.handle(() => {}); // never answers
    const error = await failure(run({ connection: 'chat', timeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'HTTP_TIMEOUT', retryable: true });
    expect(error.message).toContain('did not answer within timeoutMs (200 ms)');
  });

  it('calls a literal URL whose host is on the allow-list', async () => {
    const outputs = await run(
      { url: `${endpoint.url}/direct`, body: { x: 1 } },
      {},
      { settings: { ...loopback, R1FLOW_HTTP_ALLOWED_HOSTS: 'example.com, 127.0.0.1' } },
    );
    expect(outputs.status).toBe(200);
    expect(endpoint.requests[0]!.path).toBe('/direct');
  });

  it('needs exactly one of connection and url', () => {
    expect(httpRequest.params.safeParse({}).success).toBe(false);
    expect(httpRequest.params.safeParse({ connection: 'a', url: 'http://x' }).success).toBe(false);
  });
});
