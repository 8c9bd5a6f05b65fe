// http.request must not become a way to make the server call hosts nobody chose (SSRF): literal
// URLs are refused unless their host is allow-listed, a connection reaches only its own hosts (its
// path cannot escape them), redirects to other hosts are not followed, internal addresses are
// refused unless the host allows them, and a huge answer is cut off. Each refusal happens before
// any byte reaches the other host, and no message carries the connection's sealed secrets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { R1flowError } from '../../engine/errors.ts';
import httpRequest from '../../nodes/http/request.node.ts';
import { answerJson, type HttpEndpoint, startHttpEndpoint } from '../support/http-endpoint.ts';
import { httpNodeContext } from '../support/http-node-context.ts';

let allowed: HttpEndpoint;
/** A host no connection or setting allows: it must never be reached. */
let forbidden: HttpEndpoint;
beforeAll(async () => {
  allowed = await startHttpEndpoint();
  forbidden = await startHttpEndpoint();
});
afterAll(async () => {
  await allowed.close();
  await forbidden.close();
});
beforeEach(() => {
  allowed.requests.length = 0;
  forbidden.requests.length = 0;
  allowed.handle(answerJson(200, { ok: true }));
});

const SEALED = 'sealed-token-4711';

async function refusal(
  params: Record<string, unknown>,
  settings: Record<string, string> = { R1FLOW_HTTP_ALLOW_PRIVATE: 'true' },
): Promise<R1flowError> {
  const ctx = httpNodeContext({
    settings,
    connections: { chat: `${allowed.url}/hooks#header.Authorization=Bearer%20${SEALED}` },
  });
  const error = await httpRequest
    .run({ params: httpRequest.params.parse(params), inputs: { body: { text: 'x' } }, ctx })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(R1flowError);
  expect((error as Error).message).not.toContain(SEALED);
  return error as R1flowError;
}

describe('http.request host allow-list', () => {
  it('refuses literal URLs by default: nothing is allowed until the operator lists hosts', async () => {
    const error = await refusal({ url: `${forbidden.url}/steal` });
    expect(error.code).toBe('HTTP_HOST_NOT_ALLOWED');
    expect(error.message).toContain('R1FLOW_HTTP_ALLOWED_HOSTS');
    expect(forbidden.requests).toHaveLength(0);
  });

  it('refuses a literal URL whose host is not on the list', async () => {
    const error = await refusal(
      { url: `http://localhost:${forbidden.port}/steal` },
      { R1FLOW_HTTP_ALLOW_PRIVATE: 'true', R1FLOW_HTTP_ALLOWED_HOSTS: '127.0.0.1,*.example.com' },
    );
    expect(error.code).toBe('HTTP_HOST_NOT_ALLOWED');
    expect(error.message).toContain('localhost is not in R1FLOW_HTTP_ALLOWED_HOSTS');
    expect(forbidden.requests).toHaveLength(0);
  });

  it("a connection's path cannot leave its hosts", async () => {
    for (const path of [`http://localhost:${forbidden.port}/x`, `//localhost:${forbidden.port}/x`]) {
      const error = await refusal({ connection: 'chat', path });
      expect(error.code).toBe('HTTP_HOST_NOT_ALLOWED');
      expect(error.message).toContain('localhost is not among the hosts connection "chat" allows');
    }
    expect(forbidden.requests).toHaveLength(0);
  });

  it('does not follow a redirect to a host that is not allowed (and follows one to an allowed host)', async () => {
    allowed.handle((request, response) => {
      if (request.path === '/hooks/same') {
        response.writeHead(307, { location: '/hooks/final' }).end();
      } else if (request.path === '/hooks/away') {
        response.writeHead(302, { location: `http://localhost:${forbidden.port}/internal` }).end();
      } else answerJson(200, { reached: request.path })(request, response);
    });
    const error = await refusal({ connection: 'chat', path: 'away' });
    expect(error.code).toBe('HTTP_REDIRECT_REFUSED');
    expect(error.message).toContain('redirected to http://localhost');
    expect(forbidden.requests).toHaveLength(0);

    const ctx = httpNodeContext({
      settings: { R1FLOW_HTTP_ALLOW_PRIVATE: 'true' },
      connections: { chat: `${allowed.url}/hooks` },
    });
    const outputs = await httpRequest.run({
      params: httpRequest.params.parse({ connection: 'chat', path: 'same' }),
      inputs: { body: { a: 1 } },
      ctx,
    });
    expect(outputs.body).toEqual({ reached: '/hooks/final' });
    // 307 keeps the method and body.
    expect(allowed.requests.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('refuses internal addresses (loopback here) unless the host allows them, by IP and by name', async () => {
    const byIp = await refusal({ connection: 'chat' }, {});
    expect(byIp.code).toBe('HTTP_HOST_NOT_ALLOWED');
    expect(byIp.message).toContain('127.0.0.1, an internal address');
    const byName = await refusal(
      { url: `http://localhost:${allowed.port}/x` },
      { R1FLOW_HTTP_ALLOWED_HOSTS: 'localhost' },
    );
    expect(byName.code).toBe('HTTP_HOST_NOT_ALLOWED');
    expect(byName.message).toMatch(/it is at (127\.0\.0\.1|::1), an internal address/);
    expect(allowed.requests).toHaveLength(0);
  });
});

describe('http.request response cap', () => {
  it('fails with HTTP_RESPONSE_TOO_LARGE on a declared length over the cap', async () => {
    allowed.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(2_000_000) });
      response.end('x'.repeat(2_000_000));
    });
    const error = await refusal({ connection: 'chat', maxResponseBytes: 1000 });
    expect(error.code).toBe('HTTP_RESPONSE_TOO_LARGE');
    expect(error.message).toContain('more than maxResponseBytes (1000 bytes');
  });

  it('cuts off a streamed answer without a length once it passes the cap', async () => {
    allowed.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 64; i++) response.write('y'.repeat(4096));
      response.end();
    });
    const error = await refusal({ connection: 'chat', maxResponseBytes: 10_000 });
    expect(error.code).toBe('HTTP_RESPONSE_TOO_LARGE');
  });
});
