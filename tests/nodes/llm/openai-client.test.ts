import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { R1flowError } from '../../../engine/errors.ts';
import { OpenAiClient } from '../../../nodes/llm/openai-client.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { chatPromptFor, writeReplayFile } from '../../sim-llm/sim-fixtures.ts';
import { closedPort, type ScriptedServer, sendJson, startScriptedServer } from './scripted-server.ts';

async function failureOf(promise: Promise<unknown>): Promise<R1flowError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(R1flowError);
  return error as R1flowError;
}

describe('OpenAiClient against sim-llm', () => {
  const replay = writeReplayFile([
    { question: 'How many singers?', responses: ['a0', 'a1', 'a2'] },
    { question: 'How many singers do we have?', responses: ['b0', 'b1'] },
  ]);
  let sim: SimLlmServer;
  let client: OpenAiClient;

  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: replay.path });
    client = new OpenAiClient({ baseUrl: sim.url, backoffMs: 1 });
  });
  afterAll(async () => {
    await sim.close();
    replay.remove();
  });

  it("returns each prompt's n samples in order from ONE request, cycling recorded answers", async () => {
    const before = sim.metrics().httpRequests['/v1/completions'] ?? 0;
    const { samples, usage } = await client.complete(
      [chatPromptFor('How many singers do we have?'), chatPromptFor('How many singers?')],
      { n: 3, temperature: 0.8 },
    );
    expect(samples.map((perPrompt) => perPrompt.map((sample) => sample.text))).toEqual([
      ['b0', 'b1', 'b0'],
      ['a0', 'a1', 'a2'],
    ]);
    expect(samples[0]?.[0]?.finishReason).toBe('stop');
    expect(usage?.completionTokens).toBe(6);
    expect(sim.metrics().httpRequests['/v1/completions']).toBe(before + 1);
  });

  it("asks the server for its model once and uses the first one's id", async () => {
    expect(await client.resolveModel()).toBe('sim-sql-r1');
    const before = sim.metrics().httpRequests['/v1/models'] ?? 0;
    await client.complete([chatPromptFor('How many singers?')], { n: 1 });
    expect(sim.metrics().httpRequests['/v1/models'] ?? 0).toBe(before);
  });

  it('reports a question the replay file lacks as LLM_UNKNOWN_QUESTION naming it', async () => {
    const error = await failureOf(client.complete([chatPromptFor('How many bands?')], { n: 2 }));
    expect(error.code).toBe('LLM_UNKNOWN_QUESTION');
    expect(error.message).toContain('How many bands?');
    expect(error.data?.question).toBe('How many bands?');
    expect(error.retryable).toBe(false);
  });

  it('samples n chat answers', async () => {
    const { samples } = await client.chat([{ role: 'user', content: chatPromptFor('How many singers?') }], {
      n: 4,
    });
    expect(samples.map((sample) => sample.text)).toEqual(['a0', 'a1', 'a2', 'a0']);
  });

  it('embeds texts in order, similar texts closer than unrelated ones', async () => {
    const [a, b, c] = await client.embed([
      'singer name and age',
      'name and age of singers',
      'flight delays by airport',
    ]);
    const cosine = (x: number[] = [], y: number[] = []) =>
      x.reduce((sum, value, i) => sum + value * (y[i] ?? 0), 0);
    expect(a).toHaveLength(256);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
    expect(cosine(a, a)).toBeCloseTo(1, 6);
  });

  it("reranks documents, scores in the documents' order", async () => {
    const scores = await client.rerank('singer age', [
      'stadium capacity',
      'singer name and age',
      'singer country',
    ]);
    expect(scores).toEqual([0, 1, 0.5]);
  });
});

describe('OpenAiClient failures', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const completion = (texts: string[]) => ({
    choices: texts.map((text, index) => ({ index, text, finish_reason: 'stop' })),
  });

  it('retries a 500 and succeeds on the next answer', async () => {
    server = await startScriptedServer((_request, response, count) =>
      count === 1
        ? sendJson(response, 500, { error: { message: 'overloaded' } })
        : sendJson(response, 200, completion(['x'])),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', backoffMs: 1 });
    const { samples } = await client.complete(['p'], { n: 1 });
    expect(samples).toEqual([[{ text: 'x', finishReason: 'stop' }]]);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the configured retries with a retryable LLM_HTTP_ERROR', async () => {
    server = await startScriptedServer((_request, response) => sendJson(response, 429, 'slow down'));
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', retries: 2, backoffMs: 1 });
    const error = await failureOf(client.complete(['p'], { n: 1 }));
    expect(error.code).toBe('LLM_HTTP_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('429');
    expect(error.message).toContain('slow down');
    expect(server.requests).toHaveLength(3);
  });

  it('retries a 408 like a 429: the server asks to try again', async () => {
    server = await startScriptedServer((_request, response, count) =>
      count === 1 ? sendJson(response, 408, 'request timeout') : sendJson(response, 200, completion(['x'])),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', backoffMs: 1 });
    await client.complete(['p'], { n: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 and quotes the server', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 400, {
        error: { message: 'prompt is longer than the context', type: 'BadRequestError' },
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', backoffMs: 1 });
    const error = await failureOf(client.complete(['p'], { n: 1 }));
    expect(error.code).toBe('LLM_HTTP_ERROR');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('prompt is longer than the context');
    expect(error.data?.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it('reports invalid JSON as LLM_BAD_RESPONSE naming the URL', async () => {
    server = await startScriptedServer((_request, response) => sendJson(response, 200, '{"choices": [tru'));
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm' });
    const error = await failureOf(client.complete(['p'], { n: 1 }));
    expect(error.code).toBe('LLM_BAD_RESPONSE');
    expect(error.message).toContain(`${server.url}/completions`);
  });

  it('reports a wrong number of choices as LLM_BAD_RESPONSE', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, completion(['only one'])),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm' });
    const error = await failureOf(client.complete(['p', 'q'], { n: 2 }));
    expect(error.code).toBe('LLM_BAD_RESPONSE');
    expect(error.message).toContain('4 were expected');
  });

  it('groups choices by index however the server orders them', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, {
        choices: [3, 0, 2, 1].map((index) => ({ index, text: `c${index}`, finish_reason: 'length' })),
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm' });
    const { samples } = await client.complete(['p', 'q'], { n: 2 });
    expect(samples.map((perPrompt) => perPrompt.map((sample) => sample.text))).toEqual([
      ['c0', 'c1'],
      ['c2', 'c3'],
    ]);
  });

  it('sends the sampling fields, the model and the API key', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, completion(['a', 'b'])),
    );
    const client = new OpenAiClient({ baseUrl: `${server.url}/`, model: 'qwen', apiKey: 'sk-test' });
    await client.complete(['p'], { n: 2, temperature: 0.8, topP: 0.9, maxTokens: 64, stop: ['<|im_end|>'] });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toEqual({
      model: 'qwen',
      prompt: ['p'],
      n: 2,
      temperature: 0.8,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['<|im_end|>'],
    });
  });

  it('times out a slow server as LLM_UNREACHABLE', async () => {
    server = await startScriptedServer((_request, response) => {
      setTimeout(() => sendJson(response, 200, completion(['late'])), 5_000).unref();
    });
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', timeoutMs: 100, retries: 0 });
    const error = await failureOf(client.complete(['p'], { n: 1 }));
    expect(error.code).toBe('LLM_UNREACHABLE');
    expect(error.message).toContain('no answer within 100 ms');
    expect(error.retryable).toBe(true);
  });

  it('names the URL and the fix when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const client = new OpenAiClient({ baseUrl: url, model: 'm', retries: 1, backoffMs: 1 });
    const error = await failureOf(client.complete(['p'], { n: 1 }));
    expect(error.code).toBe('LLM_UNREACHABLE');
    expect(error.message).toContain(`${url}/completions`);
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('R1FLOW_LLM_URL');
  });

  it("stops at once when the caller's signal aborts, with the caller's reason", async () => {
    server = await startScriptedServer((_request, response) => sendJson(response, 503, 'busy'));
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm', retries: 5, backoffMs: 60_000 });
    const controller = new AbortController();
    const pending = client.complete(['p'], { n: 1, signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('reads chat reasoning from reasoning_content', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, {
        choices: [
          {
            index: 0,
            message: { content: '```sql\nSELECT 1\n```', reasoning_content: 'think' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 3 },
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'm' });
    const result = await client.chat([{ role: 'user', content: 'q' }], { n: 1 });
    expect(result).toEqual({
      samples: [{ text: '```sql\nSELECT 1\n```', reasoning: 'think', finishReason: 'stop' }],
      usage: { promptTokens: 10, completionTokens: 3 },
    });
  });

  it('falls back to /score when the server has no /rerank', async () => {
    server = await startScriptedServer((request, response) =>
      request.path === '/v1/rerank'
        ? sendJson(response, 404, { detail: 'Not Found' })
        : sendJson(response, 200, {
            data: [
              { index: 1, score: 0.2 },
              { index: 0, score: 0.9 },
            ],
          }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: 'reranker' });
    expect(await client.rerank('q', ['d0', 'd1'])).toEqual([0.9, 0.2]);
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/rerank', '/v1/score']);
    expect(server.requests[1]?.body).toEqual({ model: 'reranker', text_1: 'q', text_2: ['d0', 'd1'] });
  });

  it('reports a server that lists no models', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, { object: 'list', data: [] }),
    );
    const error = await failureOf(new OpenAiClient({ baseUrl: server.url }).resolveModel());
    expect(error.code).toBe('LLM_BAD_RESPONSE');
    expect(error.message).toContain('lists no models');
  });
});
