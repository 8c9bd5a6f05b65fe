import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSqlR1Prompt } from '../../nodes/llm/sql-r1-prompt.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { chatPromptFor, SPIDER_REPLAY, writeReplayFile } from './sim-fixtures.ts';

const ANSWER = '<think>\ncount them\n</think>\n<answer>\n```sql\nSELECT count(*) FROM singer\n```\n</answer>';

interface Completion {
  object: string;
  choices: { index: number; text: string; finish_reason: string }[];
  usage: { completion_tokens: number };
}
interface ChatCompletion {
  choices: { message: { content: string } }[];
}
interface ErrorBody {
  error: { message: string; type: string; code: number; question?: string };
}

async function post<T = ErrorBody>(url: string, body: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

describe('sim-llm OpenAI-compatible routes', () => {
  const replay = writeReplayFile([
    { question: 'How many singers?', responses: [ANSWER, 'second'] },
    // Contains the question above: only an exact match may find it.
    { question: 'How many singers? List them too.', responses: ['other'] },
  ]);
  let sim: SimLlmServer;
  const root = () => sim.url.replace(/\/v1$/, '');

  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: replay.path, embeddingDim: 64, model: 'test-model' });
  });
  afterAll(async () => {
    await sim.close();
    replay.remove();
  });

  it('listens on 127.0.0.1 and lists its model', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await (await fetch(`${sim.url}/models`)).json();
    expect(models.data.map((model: { id: string }) => model.id)).toEqual(['test-model']);
    expect(await (await fetch(`${root()}/health`)).json()).toMatchObject({ status: 'ok', questions: 2 });
  });

  it('answers a single prompt string with the recorded responses, in order and cycling', async () => {
    const { status, json } = await post<Completion>(`${sim.url}/completions`, {
      prompt: chatPromptFor('How many singers?'),
      n: 3,
    });
    expect(status).toBe(200);
    expect(json.object).toBe('text_completion');
    expect(json.choices).toEqual([
      { index: 0, text: ANSWER, logprobs: null, finish_reason: 'stop' },
      { index: 1, text: 'second', logprobs: null, finish_reason: 'stop' },
      { index: 2, text: ANSWER, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(json.usage.completion_tokens).toBe(2 * Math.ceil(ANSWER.length / 4) + 2);
  });

  it('numbers the choices of a prompt array promptIndex * n + sampleIndex, as vLLM does', async () => {
    const prompt = [chatPromptFor('How many singers? List them too.'), chatPromptFor('How many singers?')];
    const { json } = await post<Completion>(`${sim.url}/completions`, { prompt, n: 2 });
    expect(json.choices.map((choice) => [choice.index, choice.text])).toEqual([
      [0, 'other'],
      [1, 'other'],
      [2, ANSWER],
      [3, 'second'],
    ]);
  });

  it('cuts at stop strings and at max_tokens, saying which', async () => {
    const prompt = chatPromptFor('How many singers?');
    const stopped = await post<Completion>(`${sim.url}/completions`, { prompt, stop: ['</think>'] });
    expect(stopped.json.choices[0]).toMatchObject({ text: '<think>\ncount them\n', finish_reason: 'stop' });
    const cut = await post<Completion>(`${sim.url}/completions`, { prompt, max_tokens: 3 });
    expect(cut.json.choices[0]).toMatchObject({ text: ANSWER.slice(0, 12), finish_reason: 'length' });
  });

  it('answers 404 unknown_question naming a question it has no answers for', async () => {
    const unknown = 'How many singers do we have?';
    const { status, json } = await post(`${sim.url}/completions`, {
      prompt: [chatPromptFor('How many singers?'), chatPromptFor(unknown)],
    });
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ type: 'unknown_question', code: 404, question: unknown });
    expect(json.error.message).toContain(JSON.stringify(unknown));
    expect(json.error.message).toContain(
      'closest recorded questions: "How many singers?", "How many singers? List them too."',
    );
    expect(sim.metrics().unknownQuestions).toBeGreaterThan(0);
  });

  it('answers a question retyped with other case, spacing and punctuation', async () => {
    const { status, json } = await post<Completion>(`${sim.url}/completions`, {
      prompt: chatPromptFor('how many   SINGERS'),
    });
    expect(status).toBe(200);
    expect(json.choices.map((choice) => choice.text)).toEqual([ANSWER]);
  });

  it('treats a prompt without an SQL-R1 question section as unknown', async () => {
    const { status, json } = await post(`${sim.url}/completions`, { prompt: 'How many singers?' });
    expect(status).toBe(404);
    expect(json.error.message).toContain("no SQL-R1 or sql.judge 'Question:' section");
  });

  it('finds the question in the last user message of a chat', async () => {
    const { status, json } = await post<ChatCompletion>(`${sim.url}/chat/completions`, {
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: buildSqlR1Prompt({ schema: 'CREATE TABLE t (a);', question: 'How many singers?' }),
        },
      ],
      n: 2,
    });
    expect(status).toBe(200);
    expect(json.choices.map((choice) => choice.message.content)).toEqual([ANSWER, 'second']);
  });

  it('refuses malformed requests with 400 and unknown routes with 404', async () => {
    expect((await post(`${sim.url}/completions`, '{not json')).status).toBe(400);
    const noPrompt = await post(`${sim.url}/completions`, { n: 2 });
    expect(noPrompt.status).toBe(400);
    expect(noPrompt.json.error.type).toBe('invalid_request_error');
    expect((await post(`${sim.url}/completions`, { prompt: 'x', stream: true })).status).toBe(400);
    expect((await post(`${sim.url}/nothing`, {})).status).toBe(404);
  });

  it('embeds deterministically into unit vectors of the configured size', async () => {
    const { json } = await post<{ data: { embedding: number[] }[] }>(`${sim.url}/embeddings`, {
      input: ['singer age', 'singer age', ''],
    });
    const [a = [], b, empty = []] = json.data.map((item) => item.embedding);
    expect(a).toHaveLength(64);
    expect(a).toEqual(b);
    expect(Math.hypot(...a)).toBeCloseTo(1, 9);
    expect(empty.every((value) => value === 0)).toBe(true);
  });

  it('reranks best first with top_n, and scores pairs for /score', async () => {
    const reranked = await post<{ results: { index: number }[] }>(`${sim.url}/rerank`, {
      query: 'singer age',
      documents: ['stadium', { text: 'singer age' }, 'singer'],
      top_n: 2,
    });
    expect(reranked.json.results.map((result) => result.index)).toEqual([1, 2]);
    const scored = await post<{ data: { score: number }[] }>(`${root()}/score`, {
      text_1: 'singer age',
      text_2: ['singer', 'age of singer'],
    });
    expect(scored.json.data.map((item) => item.score)).toEqual([0.5, 1]);
  });

  it('serves Prometheus metrics and the same counts as JSON', async () => {
    const text = await (await fetch(`${root()}/metrics`)).text();
    expect(text).toContain('# TYPE sim_llm_batch_sequences histogram');
    expect(text).toMatch(/sim_llm_http_requests_total\{route="\/v1\/completions"\} \d+/);
    expect(text).toMatch(/sim_llm_batch_sequences_bucket\{le="\+Inf"\} \d+/);
    const json = await (await fetch(`${root()}/metrics.json`)).json();
    expect(json.mode).toBe('continuous');
    expect(json.sequences).toBe(sim.metrics().sequences);
    expect(text).toContain(`sim_llm_sequences_total ${json.sequences}`);
  });
});

describe('sim-llm replay files', () => {
  it('plays back the spider-dev ensemble, all 499 questions', async () => {
    const sim = await startSimLlm({ replayPath: SPIDER_REPLAY });
    try {
      expect(await (await fetch(sim.url.replace(/\/v1$/, '/health'))).json()).toMatchObject({
        questions: 499,
      });
    } finally {
      await sim.close();
    }
  });

  it('without a replay file knows no question', async () => {
    const sim = await startSimLlm();
    try {
      const { status } = await post(`${sim.url}/completions`, { prompt: chatPromptFor('How many singers?') });
      expect(status).toBe(404);
    } finally {
      await sim.close();
    }
  });

  it('refuses a broken replay file, naming the line', async () => {
    const broken = writeReplayFile([{ question: 'q', responses: [] }]);
    try {
      await expect(startSimLlm({ replayPath: broken.path })).rejects.toThrow(/replay\.jsonl line 2/);
    } finally {
      broken.remove();
    }
  });

  it('refuses bad options', async () => {
    await expect(startSimLlm({ speed: 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
