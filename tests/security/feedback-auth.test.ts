// Feedback, reviews, examples and the training export are API routes like any other: when a key
// is required, none of them reads or writes anything without one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';

let h: ServerHarness;
let key: string;

beforeEach(async () => {
  h = await startTestServer({ requireKey: true });
  key = (await h.server.context.apiKeys.create('admin')).key;
});
afterEach(async () => {
  await h.close();
});

describe('feedback routes need the API key when one is required', () => {
  it('answers 401 to every feedback route without a key, and writes nothing', async () => {
    const feedback = await h.runtime.store.feedback.insert({
      runId: 'r1',
      rating: 'up',
      question: 'q',
      chosenSql: 'SELECT 1',
      correctedSql: null,
      comment: null,
      warehouse: 'w',
      dialect: 'sqlite',
    });
    const example = await h.runtime.store.examples.insert({
      warehouse: 'w',
      question: 'q',
      sql: 'SELECT 1',
      feedbackId: null,
    });
    const calls: [string, string, object?][] = [
      ['POST', '/api/runs/r1/feedback', { rating: 'down', sql: 'SELECT 2' }],
      ['GET', '/api/feedback'],
      ['GET', '/api/feedback?state=pending'],
      ['POST', `/api/feedback/${feedback.id}/review`, { accept: false }],
      ['GET', '/api/examples'],
      ['DELETE', `/api/examples/${example.id}`],
      ['GET', '/api/feedback/export.jsonl'],
    ];
    for (const [method, path, json] of calls) {
      const response = await h.api(path, { method, ...(json ? { json } : {}) });
      expect({ path, status: response.status, code: response.body?.error?.code }).toEqual({
        path,
        status: 401,
        code: 'AUTH_REQUIRED',
      });
    }
    expect(await h.runtime.store.feedback.list()).toEqual([feedback]);
    expect(await h.runtime.store.examples.list()).toEqual([example]);

    // With the key the same routes answer.
    expect((await h.api('/api/feedback', { key })).body.feedback).toEqual([feedback]);
    expect((await h.api('/api/examples', { key })).status).toBe(200);
  });
});
