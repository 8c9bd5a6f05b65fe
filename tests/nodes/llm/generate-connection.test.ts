// llm.generate through a named connection (kind openai): the URL's password is the Bearer key and
// never part of the URL requested, and errors name the connection instead of the address.
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { connectionNotFound } from '../../../engine/connections.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import generate from '../../../nodes/llm/generate.node.ts';
import type { SchemaContext } from '../../../nodes/types.ts';
import { type ScriptedServer, sendJson, startScriptedServer } from './scripted-server.ts';

const schema: SchemaContext = {
  database: '/data/x.sqlite',
  dialect: 'sqlite',
  ddl: 'CREATE TABLE t (a number);',
  tables: ['t'],
  retrieval: [],
};

let server: ScriptedServer | undefined;
let pool: ResourcePool;
afterEach(async () => {
  await pool?.disposeAll();
  await server?.close();
  server = undefined;
});

function contextWith(connections: Record<string, ResolvedConnection>) {
  pool = new ResourcePool();
  return createNodeContext({
    resources: pool,
    settings: {
      ...settingsFrom({}),
      connection: async (name) => {
        const found = connections[name];
        if (!found) throw connectionNotFound(name);
        return found;
      },
    },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<R1flowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof R1flowError)) throw new Error(`expected an R1flowError, got ${String(error)}`);
  return error;
}

describe('llm.generate with a connection', () => {
  it('sends the password as the Bearer key to the URL without credentials', async () => {
    server = await startScriptedServer((_request, response) =>
      sendJson(response, 200, {
        choices: [{ index: 0, text: '```sql\nSELECT 1\n```', finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      }),
    );
    const url = server.url.replace('http://', 'http://:sk-from-connection@');
    const ctx = contextWith({ llm: { name: 'llm', kind: 'openai', url } });
    const outputs = await generate.run({
      params: generate.params.parse({ connection: 'llm', model: 'm', n: 1 }),
      inputs: { question: 'how many?', schema },
      ctx,
    });
    expect(outputs.candidates.candidates[0]?.sql).toBe('SELECT 1');
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/completions' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-connection');
    expect(JSON.stringify(outputs)).not.toContain('sk-from-connection');
  });

  it('names the connection, never its URL, when the server fails', async () => {
    server = await startScriptedServer((_request, response) => sendJson(response, 400, { message: 'no' }));
    const url = server.url.replace('http://', 'http://user:hunter22@');
    const ctx = contextWith({ llm: { name: 'llm', kind: 'openai', url } });
    const error = await failureOf(
      generate.run({
        params: generate.params.parse({ connection: 'llm', model: 'm', n: 1 }),
        inputs: { question: 'q', schema },
        ctx,
      }),
    );
    expect(error.code).toBe('LLM_HTTP_ERROR');
    expect(error.message).toContain('connection "llm" (/completions)');
    const serialized = JSON.stringify({ message: error.message, data: error.data });
    expect(serialized).not.toContain('127.0.0.1');
    expect(serialized).not.toContain('hunter22');
  });

  it('refuses a connection of another kind, and one that does not exist', async () => {
    const ctx = contextWith({ sales: { name: 'sales', kind: 'postgres', url: 'postgres://u:pw@db/x' } });
    const params = (connection: string) => generate.params.parse({ connection, model: 'm', n: 1 });
    const wrongKind = await failureOf(
      generate.run({ params: params('sales'), inputs: { question: 'q', schema }, ctx }),
    );
    expect(wrongKind.code).toBe('CONNECTION_INVALID');
    expect(wrongKind.message).toContain('connection "sales" is a postgres connection');
    const missing = await failureOf(
      generate.run({ params: params('nope'), inputs: { question: 'q', schema }, ctx }),
    );
    expect(missing.code).toBe('CONNECTION_NOT_FOUND');
  });

  it('takes a connection or a baseUrl, not both, and batches by connection', () => {
    expect(() => generate.params.parse({ connection: 'llm', baseUrl: 'http://127.0.0.1:1/v1' })).toThrow(
      /not both/,
    );
    const key = generate.batchKey!;
    expect(key(generate.params.parse({ connection: 'a' }))).not.toBe(
      key(generate.params.parse({ connection: 'b' })),
    );
  });
});
