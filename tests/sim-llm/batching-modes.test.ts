// The simulated GPU's three scheduling modes, checked on its virtual-time accounting (exact and
// independent of how busy this machine is), never on wall-clock time.
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiClient } from '../../nodes/llm/openai-client.ts';
import { batchSeconds, loadCostModel } from '../../sim-llm/cost-model.ts';
import { estimateTokens } from '../../sim-llm/replay-book.ts';
import { type SimLlmOptions, type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import type { SchedulingMode } from '../../sim-llm/virtual-gpu.ts';
import { answerWith, chatPromptFor, GPU_PROFILE, writeReplayFile } from './sim-fixtures.ts';

const cost = loadCostModel(GPU_PROFILE);
const LONG = {
  question: 'Which singers are older than 40?',
  responses: [answerWith('SELECT name FROM singer', 4000)],
};
const SHORT = { question: 'How many singers?', responses: [answerWith('SELECT count(*) FROM singer')] };
const replay = writeReplayFile([LONG, SHORT]);
const tokens = {
  longPrompt: estimateTokens(chatPromptFor(LONG.question)),
  shortPrompt: estimateTokens(chatPromptFor(SHORT.question)),
  longAnswer: estimateTokens(LONG.responses[0]!),
  shortAnswer: estimateTokens(SHORT.responses[0]!),
};

let sim: SimLlmServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A sim-llm with the H100 profile and the long/short replay, and a client for it. */
async function startProfiled(
  options: SimLlmOptions,
): Promise<{ server: SimLlmServer; client: OpenAiClient }> {
  const server = await startSimLlm({ replayPath: replay.path, profilePath: GPU_PROFILE, ...options });
  sim = server;
  return { server, client: new OpenAiClient({ baseUrl: server.url, model: 'sim' }) };
}

/**
 * The long question goes first; the short one is sent once the server has the long one. Only the
 * continuous test needs the long one still decoding then, so only it runs slowly (about 1.6 s of
 * wall time at speed 50); the other modes' checks hold whenever the short one arrives.
 */
async function longThenShort(mode: SchedulingMode, n: number, speed: number) {
  const { server, client } = await startProfiled({ mode, speed });
  const long = client.complete([chatPromptFor(LONG.question)], { n });
  while (server.metrics().generationRequests === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  await Promise.all([long, client.complete([chatPromptFor(SHORT.question)], { n })]);
  const metrics = server.metrics();
  const [longTiming, shortTiming] = [0, 1].map((id) => metrics.timings.find((timing) => timing.id === id)!);
  return { metrics, long: longTiming!, short: shortTiming! };
}

describe('sim-llm batching modes', () => {
  it('static: a request is one batch, and the next waits for the whole batch to finish', async () => {
    const { metrics, long, short } = await longThenShort('static', 2, 2000);
    expect(short.startedAt).toBeGreaterThanOrEqual(long.finishedAt);
    expect(metrics.batchSizes).toEqual([2, 2]);
    expect(metrics.busySeconds).toBeCloseTo(
      batchSeconds(cost, 2, tokens.longPrompt, tokens.longAnswer) +
        batchSeconds(cost, 2, tokens.shortPrompt, tokens.shortAnswer),
      9,
    );
  });

  it('static: a batch decodes until its longest sequence ends', async () => {
    const { server, client } = await startProfiled({ mode: 'static', speed: 1000 });
    await client.complete([chatPromptFor(SHORT.question), chatPromptFor(LONG.question)], { n: 1 });
    const meanPrompt = (tokens.shortPrompt + tokens.longPrompt) / 2;
    expect(server.metrics().busySeconds).toBeCloseTo(batchSeconds(cost, 2, meanPrompt, tokens.longAnswer), 9);
  });

  it('continuous: a later short request joins the running batch and finishes first', async () => {
    const { metrics, long, short } = await longThenShort('continuous', 1, 50);
    expect(short.startedAt).toBeLessThan(long.finishedAt);
    expect(short.finishedAt).toBeLessThan(long.finishedAt);
    expect(metrics.batchSizes).toEqual([1, 1]);
    // The short answer decoded inside the long one's steps: only its prefill added time.
    expect(metrics.busySeconds).toBeCloseTo(
      cost.prefillSeconds(1, tokens.longPrompt) +
        cost.prefillSeconds(1, tokens.shortPrompt) +
        cost.decodeStepSeconds(1) * tokens.longAnswer,
      9,
    );
    expect(metrics.meanRunningSequences).toBeGreaterThan(1);
  });

  it('serial: one sequence at a time, each paying its own prefill and decode', async () => {
    const { metrics, long, short } = await longThenShort('serial', 2, 2000);
    expect(short.startedAt).toBeGreaterThanOrEqual(long.finishedAt);
    expect(metrics.batchSizes).toEqual([1, 1, 1, 1]);
    expect(metrics.meanRunningSequences).toBe(1);
    expect(metrics.busySeconds).toBeCloseTo(
      2 * batchSeconds(cost, 1, tokens.longPrompt, tokens.longAnswer) +
        2 * batchSeconds(cost, 1, tokens.shortPrompt, tokens.shortAnswer),
      9,
    );
  });

  it('continuous: sequences beyond maxBatchSequences wait for a free slot', async () => {
    const { server, client } = await startProfiled({ mode: 'continuous', speed: 1000, maxBatchSequences: 3 });
    await client.complete([chatPromptFor(SHORT.question)], { n: 5 });
    const metrics = server.metrics();
    expect(metrics.batchSizes).toEqual([3, 2]);
    expect(metrics.busySeconds).toBeCloseTo(
      batchSeconds(cost, 3, tokens.shortPrompt, tokens.shortAnswer) +
        batchSeconds(cost, 2, tokens.shortPrompt, tokens.shortAnswer),
      9,
    );
  });

  it.each(['static', 'continuous', 'serial'] as const)(
    '%s: under many concurrent requests every request starts after it arrives and all sequences run',
    async (mode) => {
      const { server, client } = await startProfiled({ mode, speed: 5000, maxBatchSequences: 16 });
      const questions = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? LONG : SHORT).question);
      await Promise.all(questions.map((question) => client.complete([chatPromptFor(question)], { n: 4 })));
      const metrics = server.metrics();
      expect(metrics.timings).toHaveLength(questions.length);
      for (const timing of metrics.timings) {
        expect(timing.startedAt).toBeGreaterThanOrEqual(timing.arrivedAt);
        expect(timing.finishedAt).toBeGreaterThan(timing.startedAt);
      }
      expect(metrics.batchSizes.reduce((sum, size) => sum + size, 0)).toBe(questions.length * 4);
      expect(Math.max(...metrics.batchSizes)).toBeLessThanOrEqual(mode === 'continuous' ? 16 : 4);
    },
  );

  it('without a profile answers at once and spends no virtual time', async () => {
    sim = await startSimLlm({ replayPath: replay.path, mode: 'static' });
    const client = new OpenAiClient({ baseUrl: sim.url, model: 'sim' });
    await Promise.all(
      [LONG, SHORT].map((entry) => client.complete([chatPromptFor(entry.question)], { n: 3 })),
    );
    const metrics = sim.metrics();
    expect(metrics.busySeconds).toBe(0);
    expect(metrics.batchSizes).toEqual([3, 3]);
    expect(metrics.sequences).toBe(6);
  });
});
