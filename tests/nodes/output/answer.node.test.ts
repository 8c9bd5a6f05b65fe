import { describe, expect, it } from 'vitest';
import { createNodeContext } from '../../../engine/node-context.ts';
import answerNode from '../../../nodes/output/answer.node.ts';

async function answer(rowCount: number, params: Record<string, unknown>, upstreamTruncated = false) {
  const rows = Array.from({ length: rowCount }, (_, i) => [i]);
  const outputs = await answerNode.run({
    params: answerNode.params.parse(params),
    inputs: { sql: 'SELECT n FROM t', rows: { columns: ['n'], rows, truncated: upstreamTruncated } },
    ctx: createNodeContext(),
  });
  return outputs.answer!;
}

describe('output.answer node', () => {
  it('caps the rows at maxRows and says so with truncated and totalRows', async () => {
    const capped = await answer(5, { maxRows: 2 });
    expect(capped.rows).toEqual([[0], [1]]);
    expect(capped).toMatchObject({ truncated: true, totalRows: 5, abstained: false });
  });

  it('keeps every row under the cap, and passes on a cut made upstream', async () => {
    expect(await answer(2, { maxRows: 2 })).toMatchObject({ truncated: false, totalRows: 2 });
    expect(await answer(2, { maxRows: 10 }, true)).toMatchObject({ truncated: true, totalRows: 2 });
  });
});
