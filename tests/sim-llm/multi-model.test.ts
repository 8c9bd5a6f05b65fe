// sim-llm serving several replay files as several model names, and one column of an ensemble file
// as one model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R1flowError } from '../../engine/errors.ts';
import { parseReplaySpecs } from '../../sim-llm/replay-spec.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { chatPromptFor, SPIDER_REPLAY, writeReplayFile } from './sim-fixtures.ts';

interface Completion {
  model: string;
  choices: { index: number; text: string }[];
}

async function complete(
  url: string,
  question: string,
  model: string | undefined,
  n = 1,
): Promise<{ status: number; json: Completion & { error?: { message: string } } }> {
  const response = await fetch(`${url}/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: chatPromptFor(question), n, ...(model === undefined ? {} : { model }) }),
  });
  return { status: response.status, json: await response.json() };
}

async function modelIds(url: string): Promise<string[]> {
  const listed = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
  return listed.data.map((model) => model.id);
}

describe('sim-llm with several models', () => {
  const first = writeReplayFile([{ question: 'How many singers?', responses: ['from the first'] }]);
  const second = writeReplayFile([{ question: 'How many singers?', responses: ['from the second'] }]);
  let sim: SimLlmServer;

  beforeAll(async () => {
    sim = await startSimLlm({
      replayPath: first.path,
      model: 'plain',
      replays: [{ model: 'other', path: second.path }],
    });
  });
  afterAll(async () => {
    await sim.close();
    first.remove();
    second.remove();
  });

  it('lists every model, the plain --replay first, and answers each from its own file', async () => {
    expect(sim.models).toEqual(['plain', 'other']);
    expect(await modelIds(sim.url)).toEqual(['plain', 'other']);
    const plain = await complete(sim.url, 'How many singers?', 'plain');
    const other = await complete(sim.url, 'How many singers?', 'other');
    expect([plain.json.choices[0]?.text, plain.json.model]).toEqual(['from the first', 'plain']);
    expect([other.json.choices[0]?.text, other.json.model]).toEqual(['from the second', 'other']);
    // No model named: the default (first) one answers.
    expect((await complete(sim.url, 'How many singers?', undefined)).json.choices[0]?.text).toBe(
      'from the first',
    );
    const health = await (await fetch(sim.url.replace(/\/v1$/, '/health'))).json();
    expect(health).toMatchObject({ model: 'plain', questions: 1, models: { plain: 1, other: 1 } });
  });

  it('refuses a model it does not serve, naming the ones it does', async () => {
    const { status, json } = await complete(sim.url, 'How many singers?', 'gpt-5');
    expect(status).toBe(404);
    expect(json.error?.message).toBe('sim-llm serves no model "gpt-5"; it serves "plain", "other"');
  });

  it('with one model answers whatever model a request names, as before', async () => {
    const single = await startSimLlm({ replayPath: first.path });
    try {
      const { status, json } = await complete(single.url, 'How many singers?', 'any-alias');
      expect(status).toBe(200);
      expect(json.choices[0]?.text).toBe('from the first');
      expect(await modelIds(single.url)).toEqual(['sim-sql-r1']);
    } finally {
      await single.close();
    }
  });

  it('refuses a model name given twice', async () => {
    await expect(
      startSimLlm({ replayPath: first.path, model: 'same', replays: [{ model: 'same', path: second.path }] }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"same" is given twice'),
    });
  });
});

describe('one system of the spider-dev ensemble as one model', () => {
  const lines = readFileSync(SPIDER_REPLAY, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { question: string; responses: string[] });
  let sim: SimLlmServer;

  beforeAll(async () => {
    sim = await startSimLlm({
      replays: Array.from({ length: 8 }, (_, k) => ({
        model: `system${k}`,
        path: SPIDER_REPLAY,
        response: k,
      })),
    });
  });
  afterAll(() => sim.close());

  it('model systemK answers with the K-th recorded response of every question, for every n', async () => {
    expect(await modelIds(sim.url)).toEqual(Array.from({ length: 8 }, (_, k) => `system${k}`));
    for (const entry of [lines[0]!, lines[250]!, lines[498]!]) {
      for (const k of [0, 5, 7]) {
        const { json } = await complete(sim.url, entry.question, `system${k}`, 2);
        expect(json.choices.map((choice) => choice.text)).toEqual([entry.responses[k], entry.responses[k]]);
      }
    }
  });

  it('refuses a column the file does not have, naming the line', async () => {
    await expect(
      startSimLlm({ replays: [{ model: 'ninth', path: SPIDER_REPLAY, response: 8 }] }),
    ).rejects.toThrow(
      `replay file ${SPIDER_REPLAY} line 1 has 8 responses, so it has no response #8 (counted from 0)`,
    );
  });
});

describe('--replay values', () => {
  it('reads FILE, NAME=FILE and NAME=FILE#K', () => {
    expect(parseReplaySpecs(['a.jsonl', 'x=b.jsonl', 'y=dir/c.jsonl#3'])).toEqual({
      replayPath: 'a.jsonl',
      replays: [
        { model: 'x', path: 'b.jsonl' },
        { model: 'y', path: 'dir/c.jsonl', response: 3 },
      ],
    });
    expect(parseReplaySpecs([])).toEqual({ replays: [] });
  });

  it('refuses two unnamed files and an empty name or file', () => {
    expect(() => parseReplaySpecs(['a.jsonl', 'b.jsonl'])).toThrow(R1flowError);
    expect(() => parseReplaySpecs(['a.jsonl', 'b.jsonl'])).toThrow('name the others: --replay NAME=FILE');
    expect(() => parseReplaySpecs(['=b.jsonl'])).toThrow('expected NAME=FILE or NAME=FILE#K');
    expect(() => parseReplaySpecs(['x='])).toThrow('expected NAME=FILE or NAME=FILE#K');
  });
});
