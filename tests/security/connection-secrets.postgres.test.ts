// A connection's URL goes into the server once and never comes back out: not in any API response
// (add, list, test, errors), not in the flow or its export, not in run records, node outputs or
// node errors, and not in the server's log. Beyond loopback, /api/connections needs a key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../engine/host-settings.ts';
import { createServer, type R1flowServer } from '../../server/http/create-server.ts';
import { createLogger } from '../../server/logging/logger.ts';
import { createRuntime, type Runtime } from '../../server/runtime/local-runtime.ts';
import { type ScriptedServer, sendJson, startScriptedServer } from '../nodes/llm/scripted-server.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { startTestServer } from '../support/server-harness.ts';

const MODEL_KEY = 'sk-model-key-7f3a9c';
const WRONG_PASSWORD = 'wrong-Pw-51c2e8';

let postgres: PostgresServer;
let model: ScriptedServer;
let dir: string;
let runtime: Runtime;
let server: R1flowServer;
let url: string;
let log = '';
/** Everything a client saw, to search for secrets at the end. */
const seen: string[] = [];

async function api(path: string, init: { method?: string; json?: unknown } = {}) {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.json === undefined ? {} : { 'content-type': 'application/json' },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  const text = await response.text();
  seen.push(text);
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely.
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
}

beforeAll(async () => {
  postgres = await startPostgresServer();
  model = await startScriptedServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${MODEL_KEY}`)
      return sendJson(response, 401, { message: 'key?' });
    if (request.path.endsWith('/models')) return sendJson(response, 200, { data: [{ id: 'm' }] });
    const prompt = JSON.stringify(request.body);
    if (prompt.includes('fail please')) return sendJson(response, 400, { message: 'refused this prompt' });
    return sendJson(response, 200, {
      choices: [{ index: 0, text: '```sql\nSELECT count(*) FROM staff\n```', finish_reason: 'stop' }],
    });
  });
  dir = mkdtempSync(join(tmpdir(), 'r1flow-conn-secrets-'));
  const warehouse = new Database(join(dir, 'hr.sqlite'));
  warehouse.exec("CREATE TABLE staff (id INTEGER, name TEXT); INSERT INTO staff VALUES (1, 'Ada')");
  warehouse.close();
  const logger = createLogger('r1flow', {
    format: 'json',
    level: 'debug',
    stream: new Writable({
      write(chunk, _encoding, done) {
        log += chunk.toString();
        done();
      },
    }),
  });
  runtime = await createRuntime({
    storeLocation: join(dir, 'r1.db'),
    logger,
    settings: settingsFrom({ R1FLOW_SCHEMA_INDEX_DIR: join(dir, 'schema-index') }),
  });
  server = createServer({
    runtime,
    serverKey: Buffer.alloc(32, 7),
    logger,
    requestLogger: logger.pino,
    requireKey: false,
    publicUrl: 'http://127.0.0.1',
    version: 'test',
  });
  await runtime.orchestrator.start();
  url = await server.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await model?.close();
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
});

function secrets(): string[] {
  return [postgres.password, encodeURIComponent(postgres.password), MODEL_KEY, WRONG_PASSWORD, postgres.url];
}

describe('connection secrets', () => {
  it('never leave the server through the API, flows, runs or the log', async () => {
    const added = await api('/api/connections', {
      method: 'POST',
      json: { name: 'sales', url: postgres.url },
    });
    expect(added.status).toBe(201);
    expect(added.body.connection).toMatchObject({ name: 'sales', kind: 'postgres' });
    const wrong = postgres.urlFor('postgres', { name: 'r1flow', password: WRONG_PASSWORD });
    expect(
      (await api('/api/connections', { method: 'POST', json: { name: 'bad', url: wrong } })).status,
    ).toBe(201);
    const llmUrl = model.url.replace('http://', `http://:${MODEL_KEY}@`);
    expect(
      (await api('/api/connections', { method: 'POST', json: { name: 'llm', url: llmUrl } })).status,
    ).toBe(201);
    const taken = await api('/api/connections', { method: 'POST', json: { name: 'sales', url: wrong } });
    expect(taken.status).toBe(409);
    const invalid = await api('/api/connections', {
      method: 'POST',
      json: { name: 'x', url: `mysql://u:${WRONG_PASSWORD}@h/d` },
    });
    expect(invalid.status).toBe(400);

    const listed = await api('/api/connections');
    expect(listed.body.connections.map((c: { name: string }) => c.name)).toEqual(['bad', 'llm', 'sales']);
    expect(Object.keys(listed.body.connections[0]).sort()).toEqual(
      ['address', 'createdAt', 'kind', 'lastTest', 'name', 'updatedAt'].sort(),
    );

    const ok = await api('/api/connections/sales/test', { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(ok.body.connection.lastTest).toMatchObject({ ok: true });
    const failed = await api('/api/connections/bad/test', { method: 'POST' });
    expect(failed.body.connection.lastTest.ok).toBe(false);
    expect(failed.body.connection.lastTest.message).toContain('connection "bad"');
    expect((await api('/api/connections/llm/test', { method: 'POST' })).body.connection.lastTest.ok).toBe(
      true,
    );
    expect((await api('/api/connections/none/test', { method: 'POST' })).status).toBe(404);

    // A flow names the connection; its model server key reaches the server as a Bearer token only.
    const flow = flowOf(
      {
        start: ['trigger.manual', { fields: [{ name: 'question', type: 'string' }] }],
        retrieve: ['schema.retrieve', { warehouse: join(dir, 'hr.sqlite'), useEmbeddings: 'off' }],
        generate: ['llm.generate', { connection: 'llm', model: 'm', n: 1 }],
      },
      [
        'start.question->retrieve.question',
        'start.question->generate.question',
        'retrieve.schema->generate.schema',
      ],
      'ask-hr',
    );
    expect((await api('/api/flows', { method: 'POST', json: flow })).status).toBe(201);
    const succeeded = await api('/api/flows/ask-hr/runs?wait=30s', {
      method: 'POST',
      json: { input: { question: 'how many staff?' } },
    });
    expect(succeeded.body.run.status).toBe('succeeded');
    const run = await api(`/api/runs/${succeeded.body.run.id}`);
    expect(JSON.stringify(run.body)).toContain('SELECT count(*) FROM staff');
    const failedRun = await api('/api/flows/ask-hr/runs?wait=30s', {
      method: 'POST',
      json: { input: { question: 'fail please' } },
    });
    expect(failedRun.body.run.status).toBe('failed');
    const failedDetails = await api(`/api/runs/${failedRun.body.run.id}`);
    expect(JSON.stringify(failedDetails.body)).toContain('connection \\"llm\\" (/completions)');
    await api('/api/flows/ask-hr');
    await api('/api/runs?flow=ask-hr');
    expect(model.requests.some((r) => r.path === '/v1/completions')).toBe(true);

    expect((await api('/api/connections/bad', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/connections/bad', { method: 'DELETE' })).status).toBe(404);

    expect(log).toContain('/api/connections');
    const everything = [...seen, log].join('\n');
    for (const secret of secrets()) expect(everything).not.toContain(secret);
  });

  it('takes file connections only inside the data directory, never the store or its key', async () => {
    const h = await startTestServer();
    const outside = mkdtempSync(join(tmpdir(), 'r1flow-outside-'));
    try {
      new Database(join(outside, 'other.db')).close();
      new Database(join(h.dir, 'inside.db')).close();
      const add = (name: string, url: string) =>
        h.api('/api/connections', { method: 'POST', json: { name, url, kind: 'sqlite' } });
      for (const [name, url] of [
        ['other', join(outside, 'other.db')],
        ['escape', join(h.dir, '..', 'x.sqlite')],
        ['store', join(h.dir, 'r1.db')],
        ['key', join(h.dir, 'secret.key')],
      ] as const) {
        const refused = await add(name, url);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('CONNECTION_INVALID');
        expect(refused.body.error.message).toContain(`connection "${name}" names`);
      }
      expect(await h.runtime.store.connections.list()).toEqual([]);
      const inside = await add('inside', 'inside.db');
      expect(inside.status).toBe(201);
      expect(inside.body.connection.address).toBe(join(h.dir, 'inside.db'));
    } finally {
      await h.close();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('needs an API key for /api/connections when the server requires keys', async () => {
    const keyed = await startTestServer({ requireKey: true });
    try {
      expect((await keyed.api('/api/connections')).status).toBe(401);
      const refused = await keyed.api('/api/connections', {
        method: 'POST',
        json: { name: 'sales', url: postgres.url },
      });
      expect(refused.status).toBe(401);
      expect((await keyed.api('/api/connections/sales/test', { method: 'POST' })).status).toBe(401);
      expect((await keyed.api('/api/connections/sales', { method: 'DELETE' })).status).toBe(401);
      expect(await keyed.runtime.store.connections.list()).toEqual([]);
      const key = (await keyed.server.context.apiKeys.create('admin')).key;
      expect((await keyed.api('/api/connections', { key })).body).toEqual({ connections: [] });
    } finally {
      await keyed.close();
    }
  });
});
