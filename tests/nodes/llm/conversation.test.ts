// A follow-up's earlier turns in llm.generate's request, exactly: chat style before the new
// prompt, and nothing at all without them (the request stays SQL-R1's, byte for byte).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import type { ThreadTurn } from '../../../engine/thread-turns.ts';
import { latestTurns } from '../../../engine/thread-turns.ts';
import { answerText, earlierTurnMessages, HISTORY_PROMPT_CHARS } from '../../../nodes/llm/conversation.ts';
import generate from '../../../nodes/llm/generate.node.ts';
import { buildSqlR1Prompt } from '../../../nodes/llm/sql-r1-prompt.ts';
import type { SchemaContext } from '../../../nodes/types.ts';
import { type ScriptedServer, sendJson, startScriptedServer } from './scripted-server.ts';

const schema: SchemaContext = {
  database: '/data/warehouse.sqlite',
  dialect: 'sqlite',
  ddl: 'CREATE TABLE orders (\n    order_id number,\n    order_date text\n);',
  tables: ['orders'],
  retrieval: [],
};
const QUESTION = 'and only for 2023?';
const FIRST: ThreadTurn = { question: 'How many orders were placed?', sql: 'SELECT COUNT(*) FROM orders;' };
const SECOND: ThreadTurn = {
  question: 'and only for 2023?',
  sql: "SELECT COUNT(*) FROM orders WHERE strftime('%Y', order_date) = '2023';",
};
const SYSTEM =
  '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n';
const MESSAGE = buildSqlR1Prompt({ schema: schema.ddl, question: QUESTION });

let server: ScriptedServer;
let pool: ResourcePool;

beforeAll(async () => {
  server = await startScriptedServer((request, response) => {
    if (request.path === '/v1/models') return sendJson(response, 200, { data: [{ id: 'm' }] });
    const text = '```sql\nSELECT 1\n```';
    if (request.path === '/v1/chat/completions') {
      return sendJson(response, 200, {
        choices: [{ index: 0, message: { content: text }, finish_reason: 'stop' }],
      });
    }
    sendJson(response, 200, { choices: [{ index: 0, text, finish_reason: 'stop' }] });
  });
  pool = new ResourcePool();
});
afterAll(async () => {
  await pool.disposeAll();
  await server.close();
});

/** The body llm.generate sends for these params and history. */
async function requestBody(params: Record<string, unknown>, history?: ThreadTurn[]) {
  const ctx = createNodeContext({ resources: pool, settings: settingsFrom({}) });
  const before = server.requests.length;
  await generate.run({
    params: generate.params.parse({ baseUrl: server.url, model: 'm', n: 1, ...params }),
    inputs: { question: QUESTION, schema, ...(history === undefined ? {} : { history }) },
    ctx,
  });
  const sent = server.requests.slice(before).filter((request) => request.path !== '/v1/models');
  expect(sent).toHaveLength(1);
  return sent[0]!.body as { prompt?: string[]; messages?: { role: string; content: string }[] };
}

describe('llm.generate with a follow-up history', () => {
  it('without history sends exactly the SQL-R1 request of a single question (sql-r1 and chat)', async () => {
    const plain = await requestBody({});
    expect(plain.prompt).toEqual([
      `${SYSTEM}<|im_start|>user\n${MESSAGE}<|im_end|>\n<|im_start|>assistant\n`,
    ]);
    expect(JSON.stringify(await requestBody({}, []))).toBe(JSON.stringify(plain));
    expect(JSON.stringify(await requestBody({ historyTurns: 0 }, [FIRST]))).toBe(JSON.stringify(plain));

    const chat = await requestBody({ promptStyle: 'chat' });
    expect(chat.messages).toEqual([{ role: 'user', content: MESSAGE }]);
    expect(JSON.stringify(await requestBody({ promptStyle: 'chat' }, []))).toBe(JSON.stringify(chat));
  });

  it('sql-r1 style puts each earlier question and its SQL as ChatML turns before the new prompt', async () => {
    const body = await requestBody({}, [FIRST]);
    expect(body.prompt).toEqual([
      SYSTEM +
        '<|im_start|>user\nHow many orders were placed?<|im_end|>\n' +
        '<|im_start|>assistant\n<answer>\n```sql\nSELECT COUNT(*) FROM orders;\n```\n</answer><|im_end|>\n' +
        `<|im_start|>user\n${MESSAGE}<|im_end|>\n` +
        '<|im_start|>assistant\n',
    ]);
  });

  it('chat style sends the earlier turns as user and assistant messages, then the prompt', async () => {
    const body = await requestBody({ promptStyle: 'chat' }, [FIRST, SECOND]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'How many orders were placed?' },
      { role: 'assistant', content: '<answer>\n```sql\nSELECT COUNT(*) FROM orders;\n```\n</answer>' },
      { role: 'user', content: 'and only for 2023?' },
      {
        role: 'assistant',
        content:
          "<answer>\n```sql\nSELECT COUNT(*) FROM orders WHERE strftime('%Y', order_date) = '2023';\n```\n</answer>",
      },
      { role: 'user', content: MESSAGE },
    ]);
  });

  it('keeps the last historyTurns turns (3 by default), oldest dropped first', async () => {
    const turns = Array.from({ length: 5 }, (_, i) => ({ question: `q${i}`, sql: `SELECT ${i}` }));
    const body = await requestBody({ promptStyle: 'chat' }, turns);
    expect(body.messages?.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'q2',
      'q3',
      'q4',
      MESSAGE,
    ]);
    const one = await requestBody({ promptStyle: 'chat', historyTurns: 1 }, turns);
    expect(one.messages?.map((m) => m.content)).toEqual(['q4', answerText('SELECT 4'), MESSAGE]);
  });

  it('bounds the history in characters: turns that do not fit are left out, oldest first', () => {
    const long = { question: 'long', sql: `SELECT '${'x'.repeat(HISTORY_PROMPT_CHARS)}'` };
    expect(earlierTurnMessages([long, FIRST], 3).map((m) => m.content)).toEqual([
      FIRST.question,
      answerText(FIRST.sql),
    ]);
    expect(earlierTurnMessages([FIRST, long], 3)).toEqual([]);
    expect(latestTurns([FIRST, SECOND], 2, FIRST.question.length + FIRST.sql.length + 1)).toEqual([]);
    expect(latestTurns([FIRST, SECOND], 2, SECOND.question.length + SECOND.sql.length)).toEqual([SECOND]);
    expect(latestTurns([FIRST, SECOND], 0, 10_000)).toEqual([]);
  });
});
