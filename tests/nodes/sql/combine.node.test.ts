import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import generate from '../../../nodes/llm/generate.node.ts';
import combine from '../../../nodes/sql/combine.node.ts';
import { type SchemaContext, type SqlCandidates, SqlCandidatesSchema } from '../../../nodes/types.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { answerWith, writeReplayFile } from '../../sim-llm/sim-fixtures.ts';

function list(model: string, sqls: string[], extra: Partial<SqlCandidates> = {}): SqlCandidates {
  return {
    model,
    candidates: sqls.map((sql, index) => ({ index, sql, reasoning: '', text: sql, finishReason: 'stop' })),
    ...extra,
  };
}

async function combined(inputs: Record<string, SqlCandidates>, params: Record<string, unknown> = {}) {
  const outputs = await combine.run({
    params: combine.params.parse(params),
    inputs,
    ctx: createNodeContext(),
  });
  return SqlCandidatesSchema.parse(outputs.candidates);
}

describe('sql.combine', () => {
  it('concatenates inputs in port order with indexes renumbered and each candidate labelled by its model', async () => {
    const out = await combined({
      // Given out of order: the port's number decides, not the order of the keys.
      candidates3: list('m3', ['SELECT 3']),
      candidates1: list('m1', ['SELECT 1a', 'SELECT 1b'], { promptTokens: 10, completionTokens: 4 }),
      candidates2: list('m2', ['SELECT 2'], { promptTokens: 7 }),
    });
    expect(out.candidates.map((c) => [c.index, c.sql, c.source])).toEqual([
      [0, 'SELECT 1a', 'm1'],
      [1, 'SELECT 1b', 'm1'],
      [2, 'SELECT 2', 'm2'],
      [3, 'SELECT 3', 'm3'],
    ]);
    expect(out).toMatchObject({ model: 'm1+m2+m3', promptTokens: 17, completionTokens: 4 });
  });

  it("keeps a generator's own source, and the sources param overrides both", async () => {
    const labelled = list('m1', ['SELECT 1']);
    labelled.candidates[0]!.source = 'prompt-style-b';
    const out = await combined(
      { candidates1: labelled, candidates2: list('m2', ['SELECT 2']), candidates8: list('m8', ['SELECT 8']) },
      { sources: { candidates8: 'codes-7b' } },
    );
    expect(out.candidates.map((c) => c.source)).toEqual(['prompt-style-b', 'm2', 'codes-7b']);
    expect(out.promptTokens).toBeUndefined();
  });

  it("orders each input's candidates by their index before renumbering", async () => {
    const shuffled = list('m', ['first', 'second']);
    shuffled.candidates.reverse();
    const out = await combined({ candidates1: shuffled });
    expect(out.candidates.map((c) => [c.index, c.sql])).toEqual([
      [0, 'first'],
      [1, 'second'],
    ]);
  });

  it('refuses to run with no input and refuses a source for a port it does not have', async () => {
    await expect(combined({})).rejects.toMatchObject({
      code: 'NODE_BAD_INPUT',
      message: expect.stringContaining('connect at least one of candidates1'),
    });
    expect(combine.params.safeParse({ sources: { candidates9: 'x' } }).success).toBe(false);
  });
});

describe('llm.generate labels its candidates', () => {
  const replay = writeReplayFile([{ question: 'How many singers?', responses: [answerWith('SELECT 1')] }]);
  const schema: SchemaContext = {
    database: '/data/x.sqlite',
    dialect: 'sqlite',
    ddl: 'CREATE TABLE singer (\n    id number\n);',
    tables: ['singer'],
    retrieval: [],
  };
  let sim: SimLlmServer;
  const pool = new ResourcePool();
  beforeAll(async () => {
    sim = await startSimLlm({ replays: [{ model: 'codes-7b', path: replay.path }] });
  });
  afterAll(async () => {
    await pool.disposeAll();
    await sim.close();
    replay.remove();
  });

  async function sources(params: Record<string, unknown>): Promise<(string | undefined)[]> {
    const outputs = await generate.run({
      params: generate.params.parse({ baseUrl: sim.url, n: 2, ...params }),
      inputs: { question: 'How many singers?', schema },
      ctx: createNodeContext({ resources: pool, settings: settingsFrom({}) }),
    });
    return outputs.candidates.candidates.map((candidate) => candidate.source);
  }

  it('with the model that wrote them, or with its source param', async () => {
    expect(await sources({ model: 'codes-7b' })).toEqual(['codes-7b', 'codes-7b']);
    // No model param: the first model the server lists.
    expect(await sources({})).toEqual(['codes-7b', 'codes-7b']);
    expect(await sources({ model: 'codes-7b', source: 'terse-prompt' })).toEqual([
      'terse-prompt',
      'terse-prompt',
    ]);
  });
});
