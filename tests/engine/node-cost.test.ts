import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../engine/node-context.ts';
import { splitByShare, sumCosts } from '../../engine/node-cost.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

describe('splitByShare', () => {
  it('splits a whole number in proportion, the parts adding up exactly', () => {
    expect(splitByShare(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByShare(100, [3, 1])).toEqual([75, 25]);
    expect(splitByShare(7, [0, 0])).toEqual([4, 3]);
    expect(splitByShare(0, [5, 2])).toEqual([0, 0]);
    const parts = splitByShare(1001, [17, 3, 250, 9]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1001);
  });
});

describe('ctx.cost', () => {
  it('refuses a negative or unknown amount, naming it', () => {
    const ctx = createNodeContext({ nodeId: 'gen' });
    expect(() => ctx.cost({ tokensIn: -1 })).toThrow(/gen reported a bad cost: tokensIn/);
    expect(() => ctx.cost({ dollars: 3 } as never)).toThrow(/NODE_BAD_COST|bad cost/);
  });

  it('sums to null when nothing was spent', () => {
    expect(sumCosts([null, { tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 0, rows: 0 }])).toBeNull();
  });
});

describe('cost of a run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('adds up attempts per node (failed ones too) and nodes per run, and events carry each attempt', async () => {
    const id = await h.run(
      flowOf(
        {
          gen: [
            'test.step',
            { failTimes: 1, cost: { tokensIn: 100, tokensOut: 20, modelMs: 30 } },
            { retry: { attempts: 2, backoffMs: 1 } },
          ],
          sql: ['test.step', { cost: { sqlMs: 4, rows: 7 } }],
          free: ['test.step'],
        },
        ['gen.out->sql.in', 'sql.out->free.in'],
      ),
    );
    const stored = (await h.finished(id))!;
    expect(stored.run.status).toBe('succeeded');
    const byId = Object.fromEntries(stored.nodes.map((node) => [node.nodeId, node]));
    expect(byId.gen!.cost).toEqual({ tokensIn: 200, tokensOut: 40, modelMs: 60, sqlMs: 0, rows: 0 });
    expect(byId.sql!.cost).toEqual({ tokensIn: 0, tokensOut: 0, modelMs: 0, sqlMs: 4, rows: 7 });
    expect(byId.free!.cost).toBeNull();
    expect(stored.run.cost).toEqual({ tokensIn: 200, tokensOut: 40, modelMs: 60, sqlMs: 4, rows: 7 });

    const attempts = (await h.store.listAttempts(id)).filter((a) => a.nodeId === 'gen');
    expect(attempts.map((a) => [a.status, a.cost?.tokensIn])).toEqual([
      ['failed', 100],
      ['succeeded', 100],
    ]);
    const events = await h.store.readEvents({ runId: id });
    const retrying = events.find((e) => e.type === 'node.retrying' && e.nodeId === 'gen');
    expect(retrying?.data?.cost).toEqual({ tokensIn: 100, tokensOut: 20, modelMs: 30, sqlMs: 0, rows: 0 });
    const freeDone = events.find((e) => e.type === 'node.succeeded' && e.nodeId === 'free');
    expect(freeDone?.data?.cost).toBeUndefined();
  });
});
