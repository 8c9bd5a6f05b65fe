// sim-llm answers a follow-up ("and only for 2023?") from the line recorded for it after the
// conversation's previous question, over /v1/completions (ChatML turns) and /v1/chat/completions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerText, earlierTurnMessages } from '../../nodes/llm/conversation.ts';
import { buildSqlR1Prompt, wrapInQwenChat } from '../../nodes/llm/sql-r1-prompt.ts';
import { loadReplayBook } from '../../sim-llm/replay-book.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { writeReplayFile } from './sim-fixtures.ts';

const PLACED = 'How many orders were placed?';
const CANCELLED = 'How many orders were cancelled?';
const replay = writeReplayFile([
  { question: PLACED, responses: ['all orders'] },
  { question: CANCELLED, responses: ['cancelled orders'] },
  { follows: PLACED, question: 'and only for 2023?', responses: ['orders of 2023'] },
  { follows: CANCELLED, question: 'and only for 2023?', responses: ['cancelled in 2023'] },
  // Recorded both on its own and as a follow-up: the follow-up wins after its question.
  { question: 'How many customers do we have?', responses: ['customers'] },
  { follows: PLACED, question: 'How many customers do we have?', responses: ['customers who ordered'] },
]);
afterAll(() => replay.remove());

const schema = 'CREATE TABLE orders (\n    order_id number\n);';
const turn = (question: string) => ({ question, sql: `SELECT '${question}'` });

/** The ChatML llm.generate sends for `question` after `earlier` questions. */
function completionPrompt(question: string, earlier: string[]): string {
  return wrapInQwenChat(buildSqlR1Prompt({ schema, question }), earlierTurnMessages(earlier.map(turn), 3));
}

describe('a replay book with follow-ups', () => {
  const book = loadReplayBook(replay.path);

  it('finds a follow-up by the last earlier question, exactly or normalised', () => {
    expect(book.responsesFor('and only for 2023?', [PLACED])).toEqual(['orders of 2023']);
    expect(book.responsesFor('And only for 2023', ['how many orders were placed'])).toEqual([
      'orders of 2023',
    ]);
    expect(book.responsesFor('and only for 2023?', [PLACED, CANCELLED])).toEqual(['cancelled in 2023']);
  });

  it('answers a follow-up text on its own only where it is recorded on its own', () => {
    expect(book.responsesFor('and only for 2023?')).toBeUndefined();
    expect(book.responsesFor('and only for 2023?', ['How many products are there?'])).toBeUndefined();
    expect(book.responsesFor('How many customers do we have?', [PLACED])).toEqual(['customers who ordered']);
    expect(book.responsesFor('How many customers do we have?', [CANCELLED])).toEqual(['customers']);
    expect(book.responsesFor(PLACED, [CANCELLED])).toEqual(['all orders']);
  });

  it('names follow-ups after the question they follow among the closest questions', () => {
    expect(book.closestQuestions('and only for 2024?', 2)).toEqual([
      `${PLACED} → and only for 2023?`,
      `${CANCELLED} → and only for 2023?`,
    ]);
  });
});

describe('sim-llm serving follow-ups', () => {
  let sim: SimLlmServer;
  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: replay.path });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function post(path: string, body: unknown) {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads OpenAI-shaped JSON freely.
    return { status: response.status, json: (await response.json()) as any };
  }

  it('/v1/completions matches each prompt of an array by its own conversation', async () => {
    const { status, json } = await post('/completions', {
      prompt: [
        completionPrompt('and only for 2023?', [PLACED]),
        completionPrompt('and only for 2023?', [PLACED, CANCELLED]),
        completionPrompt(PLACED, []),
      ],
      n: 1,
    });
    expect(status).toBe(200);
    expect(json.choices.map((choice: { text: string }) => choice.text)).toEqual([
      'orders of 2023',
      'cancelled in 2023',
      'all orders',
    ]);
  });

  it('/v1/chat/completions takes the earlier questions from the user messages before the last', async () => {
    const { status, json } = await post('/chat/completions', {
      messages: [
        { role: 'user', content: PLACED },
        { role: 'assistant', content: answerText('SELECT COUNT(*) FROM orders') },
        { role: 'user', content: buildSqlR1Prompt({ schema, question: 'and only for 2023?' }) },
      ],
    });
    expect(status).toBe(200);
    expect(json.choices[0].message.content).toBe('orders of 2023');
  });

  it('an unknown follow-up is a 404 naming the question, what it followed and the closest recorded ones', async () => {
    const { status, json } = await post('/completions', {
      prompt: completionPrompt('and only for 2022?', [PLACED]),
    });
    expect(status).toBe(404);
    expect(json.error.message).toContain(
      `no recorded answer for the question "and only for 2022?" after "${PLACED}"`,
    );
    expect(json.error.message).toContain(`closest recorded questions: "${PLACED} → and only for 2023?"`);
  });
});
