import { afterAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../../engine/node-context.ts';
import type { ResourceDefinition, ResourceScope } from '../../../engine/resources.ts';
import rewardNode from '../../../nodes/sql/reward.node.ts';
import { rewardSqlRunner } from '../../../nodes/sql/reward-runner.ts';
import { createSqliteRunner } from '../../eval/support/sqlite-runner.ts';
import { answer, candidates, rewardWarehouse } from './reward-fixture.ts';

const { file, schema } = rewardWarehouse();
const runner = createSqliteRunner();
afterAll(() => runner.close());

/** Hands the node the in-process runner where production hands it the sandbox pool. */
const resources: ResourceScope = {
  async get<T>(definition: ResourceDefinition<T>): Promise<T> {
    if (definition !== (rewardSqlRunner as ResourceDefinition<unknown>))
      throw new Error(`unexpected ${definition.name}`);
    return runner.run as T;
  },
};

describe('sql.reward node', () => {
  it('scores every candidate against the gold and averages the scored totals', async () => {
    const params = rewardNode.params.parse({ responsePrefix: '<think>' });
    const output = await rewardNode.run({
      params,
      inputs: {
        candidates: candidates(answer('SELECT count(*) FROM singer'), answer('SELECT 2'), 'no tags at all'),
        gold: 'SELECT count(*) FROM singer',
        schema,
      },
      ctx: createNodeContext({ resources }),
    });
    const { rewards, meanTotal, database } = output.rewards;
    expect(database).toBe(file);
    expect(rewards.map((r) => [r.index, r.outcome, r.total === null ? null : Math.floor(r.total)])).toEqual([
      [0, 'match', 6],
      [1, 'mismatch', 0],
      [2, 'format_error', -1],
    ]);
    expect(meanTotal).toBeCloseTo(((rewards[0]!.total ?? 0) + 0 - 1) / 3, 12);
    expect(() => rewardNode.outputs.rewards.schema.parse(output.rewards)).not.toThrow();
  });

  it('gives no mean when the gold fails, and says why on each candidate', async () => {
    const output = await rewardNode.run({
      params: rewardNode.params.parse({ responsePrefix: '<think>' }),
      inputs: { candidates: candidates(answer('SELECT 1')), gold: 'SELECT nope FROM singer', schema },
      ctx: createNodeContext({ resources }),
    });
    expect(output.rewards.meanTotal).toBeNull();
    expect(output.rewards.rewards[0]).toMatchObject({
      outcome: 'gold_error',
      total: null,
      error: { code: 'SQL_ERROR' },
    });
  });

  it('runs in the sql lane', () => {
    expect(rewardNode.key).toBe('sql.reward@1');
    expect(rewardNode.lane).toBe('sql');
  });
});
