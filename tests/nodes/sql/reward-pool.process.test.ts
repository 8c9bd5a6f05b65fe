// sql.reward with no runner from the host: it scores through the real SQL sandbox pool, whose
// child processes put this test in the integration project.
import { describe, expect, it } from 'vitest';
import { createNodeContext } from '../../../engine/node-context.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import rewardNode from '../../../nodes/sql/reward.node.ts';
import { answer, candidates, rewardWarehouse } from './reward-fixture.ts';

const { schema } = rewardWarehouse();

describe('sql.reward node', () => {
  it('scores through the SQL sandbox pool when the host gives it nothing else', async () => {
    const pool = new ResourcePool();
    try {
      const output = await rewardNode.run({
        params: rewardNode.params.parse({ responsePrefix: '<think>' }),
        inputs: {
          candidates: candidates(answer('SELECT count(*) FROM singer')),
          gold: 'SELECT count(*) FROM singer',
          schema,
        },
        ctx: createNodeContext({ resources: pool }),
      });
      expect(output.rewards.rewards[0]).toMatchObject({
        outcome: 'match',
        format: 1,
        execution: 2,
        result: 3,
      });
    } finally {
      await pool.disposeAll();
    }
  });
});
