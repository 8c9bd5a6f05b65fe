// The answer-to-webhook example's last step, run by the engine: an answer mapped into a message
// by the example's own JSONata expression and posted, signed, to a real HTTP server on 127.0.0.1
// through the http connection the example names.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionNotFound } from '../../engine/connections.ts';
import { signWebhook } from '../../nodes/http/hmac-signature.ts';
import { EXAMPLE_FLOWS_DIR } from '../../server/demo/demo-defaults.ts';
import { createHarness, flowOf, type Harness } from '../support/engine-harness.ts';
import { type HttpEndpoint, startHttpEndpoint } from '../support/http-endpoint.ts';

const example = JSON.parse(readFileSync(`${EXAMPLE_FLOWS_DIR}answer-to-webhook.flow.json`, 'utf8')) as {
  nodes: { id: string; params: Record<string, unknown> }[];
};
const postParams = example.nodes.find((node) => node.id === 'post')!.params;

let endpoint: HttpEndpoint;
let harness: Harness;
beforeAll(async () => {
  endpoint = await startHttpEndpoint();
  harness = await createHarness({
    settings: {
      setting: (name) => (name === 'R1FLOW_HTTP_ALLOW_PRIVATE' ? 'true' : undefined),
      secret: () => undefined,
      connection: async (name) => {
        if (name !== 'chat-webhook') throw connectionNotFound(name);
        return { name, kind: 'http', url: `${endpoint.url}/T0#hmac=example-secret` };
      },
    },
  });
});
afterAll(async () => {
  await harness.close();
  await endpoint.close();
});

function answerFlow(rows: (string | number)[][], columns: string[]) {
  return flowOf(
    {
      start: ['trigger.manual', { fields: [{ name: 'question', type: 'string' }] }],
      table: ['test.table', { columns, rows, sql: 'SELECT 1' }],
      answer: ['output.answer'],
      post: ['http.request', postParams],
    },
    [
      'start.question->table.in',
      'start.question->answer.question',
      'table.rows->answer.rows',
      'table.sql->answer.sql',
      'answer.answer->post.data',
    ],
  );
}

describe('answer-to-webhook example', () => {
  it('posts a single-value answer as text, signed with the connection secret', async () => {
    const runId = await harness.run(answerFlow([[42]], ['count']), { question: 'How many customers?' });
    const stored = await harness.finished(runId);
    expect(stored?.run.status).toBe('succeeded');
    const request = endpoint.requests.at(-1)!;
    expect(request.path).toBe('/T0');
    expect(JSON.parse(request.body)).toEqual({
      text: 'How many customers? → 42',
      sql: 'SELECT 1',
      confidence: 0,
      question: 'How many customers?',
    });
    const timestamp = Number(request.headers['x-r1flow-timestamp']);
    expect(request.headers['x-r1flow-signature']).toBe(
      signWebhook('example-secret', timestamp, request.body),
    );
    expect(stored?.nodes.find((n) => n.nodeId === 'post')?.output).toMatchObject({
      status: 200,
      body: { ok: true },
    });
  });

  it('posts a table answer as its row count', async () => {
    const runId = await harness.run(
      answerFlow(
        [
          ['north', 3],
          ['south', 5],
        ],
        ['region', 'customers'],
      ),
      { question: 'Customers per region?' },
    );
    expect((await harness.finished(runId))?.run.status).toBe('succeeded');
    expect(JSON.parse(endpoint.requests.at(-1)!.body)).toMatchObject({
      text: 'Customers per region? → 2 rows',
    });
  });
});
