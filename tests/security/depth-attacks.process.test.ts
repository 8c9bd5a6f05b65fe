// Deeply nested JSON against a real `r1flow start`: through a webhook, as a run input and as a
// flow document, while good requests run concurrently. Each attack is a 400 naming the JSON path;
// the server keeps serving, every good run finishes and nothing stays `running`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { signWebhook } from '../../server/triggers/verify-webhook.ts';
import type { CliResult } from '../support/cli.ts';
import { startCli, waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';

const LEVELS = 300_000;
const deepArray = `${'['.repeat(LEVELS)}1${']'.repeat(LEVELS)}`;

let dir: string;
let url = '';
let server: ReturnType<typeof startCli>;
let secret = '';

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) };
}

function signed(body: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'x-r1flow-timestamp': String(timestamp),
    'x-r1flow-signature': signWebhook(secret, timestamp, body),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-depth-'));
  server = startCli(['start', '--port', '0', '--db', join(dir, 'r1.db')]);
  let output: CliResult | undefined;
  void server.done.then((result) => (output = result));
  let stderr = '';
  server.child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(
    () => {
      if (output) throw new Error(`r1flow start exited: ${output.stderr}`);
      return /r1flow is running at (\S+)/.test(stderr);
    },
    60_000,
    'r1flow start',
  );
  url = /r1flow is running at (\S+)/.exec(stderr)![1]!;
  const hook = flowOf(
    {
      hook: ['trigger.webhook', { path: 'deep', fields: [{ name: 'question' }] }],
      s: ['test.step', { sleepMs: 20 }],
    },
    ['hook.payload->s.in'],
    'deep-hook',
  );
  const created = await post('/api/flows', JSON.stringify(hook));
  expect(created.status).toBe(201);
  secret = created.body.newSecrets[0].secret;
  const manual = flowOf(
    { t: ['trigger.manual'], s: ['test.step', { sleepMs: 20 }] },
    ['t.payload->s.in'],
    'deep-api',
  );
  expect((await post('/api/flows', JSON.stringify(manual))).status).toBe(201);
}, 90_000);

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.done;
  rmSync(dir, { recursive: true, force: true });
});

describe('deep JSON against r1flow start', () => {
  it('refuses deep webhook bodies and run inputs with 400 while good requests succeed', async () => {
    // Two different bodies: the same signed delivery twice would be refused as a replay (409).
    const hookBodies = [1, 2].map((n) => `{"question":"q${n}","extra":${deepArray}}`);
    const attacks = [
      post('/hooks/deep', hookBodies[0]!, signed(hookBodies[0]!)),
      post('/api/flows/deep-api/runs', `{"input":${deepArray}}`),
      post('/hooks/deep', hookBodies[1]!, signed(hookBodies[1]!)),
      post('/api/flows/deep-api/runs', `{"input":{"a":${deepArray}}}`),
    ];
    const good = Array.from({ length: 54 }, (_, i) => {
      if (i % 2 === 0) {
        const body = JSON.stringify({ question: `q${i}` });
        return post('/hooks/deep', body, signed(body));
      }
      return post('/api/flows/deep-api/runs', JSON.stringify({ input: { n: i } }));
    });
    const [attacked, served] = await Promise.all([Promise.all(attacks), Promise.all(good)]);
    for (const response of attacked) {
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('JSON_TOO_DEEP');
    }
    expect(attacked[0]!.body.error.path).toMatch(/^input\.extra(\[0\])+$/);
    expect(attacked[1]!.body.error.path).toMatch(/^input(\[0\])+$/);
    const runIds = served.map((response) => {
      expect([201, 202]).toContain(response.status);
      return (response.body.runId ?? response.body.run.id) as string;
    });
    const store = new SqliteStore(join(dir, 'r1.db'));
    try {
      await waitFor(
        async () => (await store.listRuns({ status: ['queued', 'running'], limit: 500 })).length === 0,
        30_000,
        'every run to finish',
      );
      const runs = await store.listRuns({ limit: 500 });
      // Exactly the good runs exist (the attacks created none), and each succeeded.
      expect(runs.map((run) => run.id).sort()).toEqual([...runIds].sort());
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses a deep flow document the same way on validate and on save', async () => {
    const flow = JSON.stringify(flowOf({ t: ['trigger.manual'] }, [], 'deep-flow')).replace(
      '"params":{}',
      `"params":{"x":${deepArray}}`,
    );
    const validated = await post('/api/flows/validate', flow);
    expect(validated.status).toBe(200);
    expect(validated.body.ok).toBe(false);
    expect(validated.body.issues[0]).toMatchObject({ code: 'JSON_TOO_DEEP' });
    const saved = await post('/api/flows', flow);
    expect(saved.status).toBe(400);
    expect(saved.body.error.code).toBe('JSON_TOO_DEEP');
    expect(saved.body.error.path).toBe(validated.body.issues[0].path);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});
