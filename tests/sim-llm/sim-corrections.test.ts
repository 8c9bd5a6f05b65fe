// sim-llm's scripted self-correction: a prompt from sql.correct (SQL-R1's prompt plus the failed
// queries) is answered with the question's recorded `corrections`, any other prompt with its
// `responses`; the server keeps the latest prompts so tests can read what it was asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorrectionPrompt } from '../../nodes/llm/correction-prompt.ts';
import { wrapInQwenChat } from '../../nodes/llm/sql-r1-prompt.ts';
import type { ExecutedCandidate } from '../../nodes/types.ts';
import { RECENT_PROMPTS } from '../../sim-llm/openai-handlers.ts';
import { loadReplayBook } from '../../sim-llm/replay-book.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { answerWith, chatPromptFor, writeReplayFile } from './sim-fixtures.ts';

const SCHEMA = 'CREATE TABLE t (\n    a number\n);';
const failed: ExecutedCandidate = {
  index: 0,
  sql: 'SELECT nope FROM t',
  status: 'error',
  columns: [],
  rows: [],
  rowCount: 0,
  truncated: false,
  error: { code: 'SQL_ERROR', message: 'no such column: nope' },
  durationMs: 1,
};

function correctionPromptFor(question: string): string {
  return wrapInQwenChat(buildCorrectionPrompt({ schema: SCHEMA, question, failed: [failed] }));
}

interface Completion {
  choices: { text: string }[];
}

async function complete(url: string, prompt: string, n: number): Promise<string[]> {
  const response = await fetch(`${url}/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, n }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as Completion).choices.map((choice) => choice.text);
}

const replay = writeReplayFile([
  {
    question: 'How many rows?',
    responses: [answerWith('SELECT nope FROM t')],
    corrections: [answerWith('SELECT count(*) FROM t'), answerWith('SELECT count(a) FROM t')],
  },
  { question: 'Which a?', responses: [answerWith('SELECT b FROM t')] },
]);
afterAll(() => replay.remove());

describe('replay book corrections', () => {
  it('reads optional corrections per question, found like responses (normalised)', () => {
    const book = loadReplayBook(replay.path);
    expect(book.correctionsFor('how many rows')).toEqual([
      answerWith('SELECT count(*) FROM t'),
      answerWith('SELECT count(a) FROM t'),
    ]);
    expect(book.correctionsFor('Which a?')).toBeUndefined();
    expect(book.responsesFor('How many rows?')).toEqual([answerWith('SELECT nope FROM t')]);
  });

  it('refuses an empty corrections list, naming the line', () => {
    const bad = writeReplayFile([{ question: 'q', responses: ['r'], corrections: [] }]);
    try {
      expect(() => loadReplayBook(bad.path)).toThrow(/line 2: .*corrections/s);
    } finally {
      bad.remove();
    }
  });
});

describe('sim-llm answering correction prompts', () => {
  let sim: SimLlmServer;
  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: replay.path });
  });
  afterAll(() => sim.close());

  it('plays the corrections for a correction prompt and the responses for the first prompt', async () => {
    expect(await complete(sim.url, chatPromptFor('How many rows?', SCHEMA), 2)).toEqual([
      answerWith('SELECT nope FROM t'),
      answerWith('SELECT nope FROM t'),
    ]);
    expect(await complete(sim.url, correctionPromptFor('How many rows?'), 3)).toEqual([
      answerWith('SELECT count(*) FROM t'),
      answerWith('SELECT count(a) FROM t'),
      answerWith('SELECT count(*) FROM t'),
    ]);
  });

  it('repeats the recorded responses when the question has no corrections', async () => {
    expect(await complete(sim.url, correctionPromptFor('Which a?'), 1)).toEqual([
      answerWith('SELECT b FROM t'),
    ]);
  });

  it('keeps the latest prompts it generated for, at most RECENT_PROMPTS', async () => {
    const prompt = correctionPromptFor('Which a?');
    await complete(sim.url, prompt, 1);
    expect(sim.recentPrompts().at(-1)).toBe(prompt);
    expect(sim.recentPrompts().at(-1)).toContain('no such column: nope');
    for (let i = 0; i < RECENT_PROMPTS; i++) await complete(sim.url, chatPromptFor('Which a?', SCHEMA), 1);
    expect(sim.recentPrompts()).toHaveLength(RECENT_PROMPTS);
    expect(sim.recentPrompts()).not.toContain(prompt);
  });
});
