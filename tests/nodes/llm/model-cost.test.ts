// What llm.generate charges its runs, against sim-llm: the server's usage is honest (about four
// characters a token, counted per prompt and per sample), a single run is charged all of it, and
// a batch of runs sharing one request is charged shares that add up to it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { addCost, type NodeCost, zeroCost } from '../../../engine/node-cost.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import generate from '../../../nodes/llm/generate.node.ts';
import type { SchemaContext } from '../../../nodes/types.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { SPIDER_REPLAY } from '../../sim-llm/sim-fixtures.ts';

const replay = readFileSync(SPIDER_REPLAY, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { question: string; responses: string[] });

const schema: SchemaContext = {
  database: '/data/concert_singer.sqlite',
  dialect: 'sqlite',
  ddl: 'CREATE TABLE singer (\n    Singer_ID number, -- example: [1, 2]\n    PRIMARY KEY (Singer_ID)\n);',
  tables: ['singer'],
  retrieval: [],
};

const tokens = (text: string) => Math.ceil(text.length / 4);

describe('model cost of llm.generate against sim-llm', () => {
  let sim: SimLlmServer;
  let pool: ResourcePool;
  beforeAll(async () => {
    sim = await startSimLlm({ replayPath: SPIDER_REPLAY });
    pool = new ResourcePool();
  });
  afterAll(async () => {
    await pool.disposeAll();
    await sim.close();
  });

  /** A ctx that adds up what the node charges it. */
  function costedCtx() {
    const spent = { cost: zeroCost() as NodeCost };
    const ctx = createNodeContext({
      resources: pool,
      settings: settingsFrom({}),
      onCost: (report) => {
        spent.cost = addCost(spent.cost, report);
      },
    });
    return { ctx, spent };
  }

  it('charges one run the usage sim-llm reports, which counts its prompt and samples honestly', async () => {
    const entry = replay[3]!;
    const before = sim.metrics();
    const { ctx, spent } = costedCtx();
    const outputs = await generate.run({
      params: generate.params.parse({ baseUrl: sim.url, n: 4 }),
      inputs: { question: entry.question, schema },
      ctx,
    });
    const after = sim.metrics();
    const samples = outputs.candidates.candidates.map((candidate) => candidate.text ?? '');
    expect(spent.cost.tokensIn).toBe(tokens(outputs.prompt));
    expect(spent.cost.tokensOut).toBe(samples.reduce((sum, text) => sum + tokens(text), 0));
    expect(spent.cost.tokensIn).toBe(after.promptTokens - before.promptTokens);
    expect(spent.cost.tokensOut).toBe(after.completionTokens - before.completionTokens);
    expect(spent.cost.tokensOut).toBeGreaterThan(0);
    expect(Number.isInteger(spent.cost.modelMs)).toBe(true);
    expect(spent.cost).toMatchObject({ sqlMs: 0, rows: 0 });
  });

  it('splits a shared request among its runs by their share of prompt and sample text', async () => {
    const entries = replay.slice(20, 25);
    const before = sim.metrics();
    const runs = entries.map(() => costedCtx());
    const settled = await generate.runBatch!(
      entries.map((entry, i) => ({
        params: generate.params.parse({ baseUrl: sim.url, n: 2 }),
        inputs: { question: entry.question, schema },
        ctx: runs[i]!.ctx,
      })),
    );
    const after = sim.metrics();
    expect(after.httpRequests['/v1/completions']).toBe((before.httpRequests['/v1/completions'] ?? 0) + 1);
    const charged = runs.map((run) => run.spent.cost);
    const sum = (field: keyof NodeCost) => charged.reduce((total, cost) => total + cost[field], 0);
    expect(sum('tokensIn')).toBe(after.promptTokens - before.promptTokens);
    expect(sum('tokensOut')).toBe(after.completionTokens - before.completionTokens);
    settled.forEach((result, i) => {
      if (!result.ok) throw result.error;
      const own = result.value.candidates.candidates.reduce((s, c) => s + tokens(c.text ?? ''), 0);
      // Each share is the run's own count give or take the rounding of the split.
      expect(Math.abs(charged[i]!.tokensIn - tokens(result.value.prompt))).toBeLessThanOrEqual(1);
      expect(Math.abs(charged[i]!.tokensOut - own)).toBeLessThanOrEqual(2);
    });
    // Every run waited for the whole request.
    expect(new Set(charged.map((cost) => cost.modelMs)).size).toBe(1);
  });
});
