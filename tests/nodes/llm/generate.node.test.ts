import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { extractLastSqlBlock } from '../../../nodes/llm/extract-sql.ts';
import generate from '../../../nodes/llm/generate.node.ts';
import { type SchemaContext, SqlCandidatesSchema } from '../../../nodes/types.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { SPIDER_REPLAY } from '../../sim-llm/sim-fixtures.ts';
import { sendJson, startScriptedServer } from './scripted-server.ts';

const replay = readFileSync(SPIDER_REPLAY, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { db_id: string; question: string; responses: string[] });

const schema: SchemaContext = {
  database: '/data/concert_singer.sqlite',
  dialect: 'sqlite',
  ddl: 'CREATE TABLE singer (\n    Singer_ID number, -- example: [1, 2]\n    PRIMARY KEY (Singer_ID)\n);',
  tables: ['singer'],
  retrieval: [],
};

function paramsOf(input: Record<string, unknown>) {
  return generate.params.parse(input);
}

describe('llm.generate@1 against sim-llm with the spider-dev replay', () => {
  let sim: SimLlmServer;
  let pool: ResourcePool;
  let ctx: NodeContext;
  const completions = () => sim.metrics().httpRequests['/v1/completions'] ?? 0;

  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: SPIDER_REPLAY });
    pool = new ResourcePool();
    ctx = createNodeContext({ resources: pool, settings: settingsFrom({}) });
  });
  afterAll(async () => {
    await pool.disposeAll();
    await sim.close();
  });

  it("has SQL-R1's sampling defaults and batches by everything a request shares", () => {
    const defaults = paramsOf({});
    expect(defaults).toMatchObject({ n: 8, temperature: 0.8, maxTokens: 2048, promptStyle: 'sql-r1' });
    expect(generate.batchWeight?.(defaults)).toBe(8);
    const key = generate.batchKey!;
    expect(key(defaults)).toBe(key(paramsOf({ externalKnowledge: 'differs per run' })));
    expect(key(defaults)).not.toBe(key(paramsOf({ n: 4 })));
    expect(key(defaults)).not.toBe(key(paramsOf({ temperature: 0 })));
    expect(key(defaults)).not.toBe(key(paramsOf({ baseUrl: 'http://127.0.0.1:9000/v1' })));
  });

  it('turns one question into n candidates, in the recorded order, from one request', async () => {
    const entry = replay[0]!;
    const before = completions();
    const outputs = await generate.run({
      params: paramsOf({ baseUrl: sim.url }),
      inputs: { question: entry.question, schema },
      ctx,
    });
    expect(completions()).toBe(before + 1);
    const candidates = SqlCandidatesSchema.parse(outputs.candidates);
    expect(candidates.model).toBe('sim-sql-r1');
    expect(candidates.candidates.map((candidate) => candidate.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(candidates.candidates.map((candidate) => candidate.sql)).toEqual(
      entry.responses.map(extractLastSqlBlock),
    );
    expect(candidates.candidates[0]?.reasoning).toContain('no reasoning was recorded');
    expect(candidates.promptTokens).toBeGreaterThan(0);
    expect(outputs.prompt.startsWith('<|im_start|>system\n')).toBe(true);
    expect(outputs.prompt).toContain(`${schema.ddl}\nThis schema describes`);
    expect(outputs.prompt).toContain(`Question:\n${entry.question}\n\nInstructions:`);
    expect(outputs.prompt).toContain('Database Engine:\nSQLite\n\nDatabase Schema:\n');
  });

  it("names the schema's engine in the prompt: PostgreSQL and DuckDB warehouses say so", async () => {
    const entry = replay[0]!;
    for (const [dialect, engine] of [
      ['postgres', 'PostgreSQL'],
      ['duckdb', 'DuckDB'],
    ] as const) {
      const outputs = await generate.run({
        params: paramsOf({ baseUrl: sim.url, n: 1 }),
        inputs: { question: entry.question, schema: { ...schema, dialect, database: 'connection:shop' } },
        ctx,
      });
      expect(outputs.prompt).toContain(`Database Engine:\n${engine}\n\nDatabase Schema:\n${schema.ddl}\n`);
    }
  });

  it('sends a batch of k runs as ONE request, each run getting its own answers', async () => {
    const entries = replay.slice(10, 16);
    const before = completions();
    const settled = await generate.runBatch!(
      entries.map((entry) => ({
        params: paramsOf({ baseUrl: sim.url }),
        inputs: { question: entry.question, schema },
        ctx,
      })),
    );
    expect(completions()).toBe(before + 1);
    expect(settled).toHaveLength(entries.length);
    settled.forEach((result, i) => {
      if (!result.ok) throw result.error;
      expect(result.value.candidates.candidates.map((candidate) => candidate.text)).toEqual(
        entries[i]!.responses,
      );
    });
  });

  it('retries a batch one by one when one question is unknown, so only that run fails', async () => {
    const questions = [replay[20]!.question, 'How many dragons live in the warehouse?', replay[21]!.question];
    const before = completions();
    const settled = await generate.runBatch!(
      questions.map((question) => ({
        params: paramsOf({ baseUrl: sim.url, n: 2 }),
        inputs: { question, schema },
        ctx,
      })),
    );
    expect(completions()).toBe(before + 1 + questions.length);
    expect(settled.map((result) => result.ok)).toEqual([true, false, true]);
    const failure = settled[1];
    expect(failure?.ok === false && failure.error).toBeInstanceOf(R1flowError);
    expect(failure?.ok === false && (failure.error as R1flowError).code).toBe('LLM_UNKNOWN_QUESTION');
  });

  it('fails only the cancelled run of a batch', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    const cancelled = createNodeContext({
      resources: pool,
      settings: settingsFrom({}),
      signal: controller.signal,
    });
    const settled = await generate.runBatch!(
      [ctx, cancelled].map((itemCtx, i) => ({
        params: paramsOf({ baseUrl: sim.url, n: 1 }),
        inputs: { question: replay[30 + i]!.question, schema },
        ctx: itemCtx,
      })),
    );
    expect(settled[0]?.ok).toBe(true);
    expect(settled[1]).toEqual({ ok: false, error: controller.signal.reason });
  });

  it('marks samples cut by maxTokens as length-limited, without SQL', async () => {
    const outputs = await generate.run({
      params: paramsOf({ baseUrl: sim.url, n: 2, maxTokens: 10 }),
      inputs: { question: replay[0]!.question, schema },
      ctx,
    });
    expect(outputs.candidates.candidates.map((candidate) => [candidate.finishReason, candidate.sql])).toEqual(
      [
        ['length', null],
        ['length', null],
      ],
    );
  });

  it('chat style uses /v1/chat/completions, and batches as concurrent single requests', async () => {
    const chatRequests = () => sim.metrics().httpRequests['/v1/chat/completions'] ?? 0;
    const before = chatRequests();
    const settled = await generate.runBatch!(
      replay.slice(40, 43).map((entry) => ({
        params: paramsOf({ baseUrl: sim.url, promptStyle: 'chat', n: 3 }),
        inputs: { question: entry.question, schema },
        ctx,
      })),
    );
    expect(chatRequests()).toBe(before + 3);
    settled.forEach((result, i) => {
      if (!result.ok) throw result.error;
      expect(result.value.prompt.startsWith('Task Overview:')).toBe(true);
      expect(result.value.candidates.candidates.map((c) => c.text)).toEqual(
        replay[40 + i]!.responses.slice(0, 3),
      );
    });
  });
});

describe('llm.generate@1 request', () => {
  it('sends the ChatML prompt with SQL-R1 stop, sampling fields and the host settings', async () => {
    const server = await startScriptedServer((request, response) => {
      if (request.path === '/v1/models') return sendJson(response, 200, { data: [{ id: 'served-model' }] });
      sendJson(response, 200, {
        choices: [{ index: 0, text: '```sql\nSELECT 1\n```', finish_reason: 'stop' }],
      });
    });
    const pool = new ResourcePool();
    const env: Record<string, string> = { R1FLOW_LLM_URL: server.url, R1FLOW_LLM_API_KEY: 'sk-host' };
    const ctx = createNodeContext({ resources: pool, settings: settingsFrom(env) });
    try {
      const outputs = await generate.run({
        params: paramsOf({
          n: 1,
          temperature: 0,
          topP: 0.95,
          stop: ['</answer>'],
          externalKnowledge: 'hint',
        }),
        inputs: { question: 'How many?', schema },
        ctx,
      });
      expect(outputs.candidates.model).toBe('served-model');
      expect(outputs.candidates.candidates[0]?.sql).toBe('SELECT 1');
      const request = server.requests.find((recorded) => recorded.path === '/v1/completions');
      expect(request?.headers.authorization).toBe('Bearer sk-host');
      expect(request?.body).toMatchObject({
        model: 'served-model',
        prompt: [outputs.prompt],
        n: 1,
        temperature: 0,
        top_p: 0.95,
        max_tokens: 2048,
        stop: ['<|im_end|>', '</answer>'],
      });
      expect(outputs.prompt).toContain('Question:\nhint\nHow many?\n\nInstructions:');
    } finally {
      await pool.disposeAll();
      await server.close();
    }
  });
});
